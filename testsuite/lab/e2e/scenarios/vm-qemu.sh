# vm-qemu: the same path in single steps: `optivfio ssdt` (fw_cfg mode, the
# laptop's ROM) -> `optivfio host prepare` -> `optivfio vm qemu --ssdt-dir`
# -> that QEMU command (fitted by fit-argv.py) -> `optivfio host release`:
# L1 as before prepare (issue 11 step 5).
host_state /tmp/state-before
ov ssdt ssdt --mode fwcfg --rom "$E2E_ROM" -o /tmp/ssdt
check "optivfio ssdt --mode fwcfg exits 0" test $? -eq 0
check "the tables' manifest says fwcfg mode" grep -q '"mode":"fwcfg"' /tmp/ssdt/optivfio-ssdt.json
ov prepare host prepare --gpu $GPU
check "optivfio host prepare exits 0" test $? -eq 0
check_prepared
ov vmqemu vm qemu --gpu $GPU --ssdt-dir /tmp/ssdt
check "optivfio vm qemu exits 0" test $? -eq 0
l2_qemu_from vm-qemu 150 /tmp/ov-vmqemu.out
ov release host release --gpu $GPU
check "optivfio host release exits 0" test $? -eq 0
check_released
check_host_same /tmp/state-before /tmp/state-after "after host release"
check_no_journal "after host release"
