#!/bin/sh
# Open MPI's remote-shell agent for test hosts that are network namespaces on this machine
# (Tools/netns-hosts.sh): `netns-rsh.sh HOST COMMAND…` runs COMMAND in the namespace whose
# address is HOST, as ssh would run it on that host.
host=$1
shift
namespace=$(cat "${STRATA_NETNS_DIR:-/tmp/strata-netns}/$host") || {
  echo "netns-rsh.sh: no test host $host" >&2
  exit 255
}
exec ip netns exec "$namespace" sh -c "$*"
