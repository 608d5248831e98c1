# vm-qemu: the same path in single steps: `optivfio ssdt` (fw_cfg mode, the
# laptop's ROM) -> `optivfio host prepare` -> `optivfio vm qemu --ssdt-dir`
# -> that QEMU command (fitted by fit-argv.py) -> `optivfio host release`.
ov ssdt ssdt --rom "$E2E_ROM" -o /tmp/ssdt
check "optivfio ssdt exits 0" test $? -eq 0
ov prepare host prepare --gpu $GPU
check "optivfio host prepare exits 0" test $? -eq 0
check_prepared
ov vmqemu vm qemu --gpu $GPU --ssdt-dir /tmp/ssdt
check "optivfio vm qemu exits 0" test $? -eq 0
l2_qemu_from vm-qemu 150 /tmp/ov-vmqemu.out
ov release host release --gpu $GPU
check "optivfio host release exits 0" test $? -eq 0
check_released
