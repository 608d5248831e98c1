#!/bin/sh
# Run in L1 (the laptop), chrooted into L0's /usr and /etc (see l1-init):
# the laptop's drivers come up, then the scenario script is sourced with
# l1lib.sh's helpers. Its exit code is L1's rc.
. /e2e/l1lib.sh
e2e_laptop_up
t0=$(uptime_s)
. /e2e/scenario.sh
rc=$?
result scenario_s "$(elapsed "$t0" "$(uptime_s)")"
exit $rc
