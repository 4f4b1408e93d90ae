#!/usr/bin/env bash
# Runs PROGRAM under mpirun with one rank on each of two test hosts — the network namespaces of
# Tools/netns-hosts.sh — talking TCP over their veth pair (no shared memory: `btl self,tcp`),
# as two machines would. Open MPI starts the remote rank through Tools/netns-rsh.sh instead of
# ssh. As root.
#
#   Tools/mpi-two-hosts.sh PROGRAM [ARGUMENT…]
set -euo pipefail
tools=$(cd "$(dirname "$0")" && pwd)
"$tools/netns-hosts.sh" up
trap '"$tools/netns-hosts.sh" down' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
ip netns exec strata-a mpirun --oversubscribe -H 10.77.0.1:1,10.77.0.2:1 -np 2 \
  --mca plm_rsh_agent "$tools/netns-rsh.sh" --mca btl self,tcp \
  --mca btl_tcp_if_include 10.77.0.0/24 --mca oob_tcp_if_include 10.77.0.0/24 \
  -x STRATA_DATASETS "$@"
