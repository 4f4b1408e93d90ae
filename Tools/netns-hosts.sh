#!/usr/bin/env bash
# Two test hosts on this machine: network namespaces strata-a (10.77.0.1) and strata-b
# (10.77.0.2) joined by a veth pair, for running MPI over TCP between "machines". Traffic stays
# inside them. `Tools/netns-hosts.sh up` creates them (as root), `down` removes them.
set -euo pipefail
directory=${STRATA_NETNS_DIR:-/tmp/strata-netns}
case "${1:-up}" in
  up)
    "$0" down 2> /dev/null || true
    ip netns add strata-a
    ip netns add strata-b
    ip link add strata-veth-a type veth peer name strata-veth-b
    ip link set strata-veth-a netns strata-a
    ip link set strata-veth-b netns strata-b
    ip -n strata-a address add 10.77.0.1/24 dev strata-veth-a
    ip -n strata-b address add 10.77.0.2/24 dev strata-veth-b
    for namespace in strata-a strata-b; do
      ip -n "$namespace" link set lo up
    done
    ip -n strata-a link set strata-veth-a up
    ip -n strata-b link set strata-veth-b up
    mkdir -p "$directory"
    echo strata-a > "$directory/10.77.0.1"
    echo strata-b > "$directory/10.77.0.2"
    # The link is up when strata-a sees strata-b's address as a neighbour route.
    ip -n strata-a route get 10.77.0.2 > /dev/null
    ;;
  down)
    ip netns delete strata-a 2> /dev/null || true
    ip netns delete strata-b 2> /dev/null || true
    rm -rf "$directory"
    ;;
esac
