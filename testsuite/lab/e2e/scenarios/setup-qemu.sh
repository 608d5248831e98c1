# setup-qemu: the user's path on the laptop with plain QEMU:
# `optivfio setup` -> `optivfio host prepare` -> QEMU with the arguments
# setup wrote (qemu-args.txt, fitted by fit-argv.py), L2 runs optivfio
# guest check against the tables setup wrote; then `optivfio host release`.
S=/tmp/setup
ov setup setup --gpu $GPU --rom "$E2E_ROM" -o $S
rc=$?
check "optivfio setup exits 0 (ready) or 3 (written, doctor blocks)" test $rc -eq 0 -o $rc -eq 3
check "setup wrote qemu-args.txt" test -s $S/qemu-args.txt
ov prepare host prepare --gpu $GPU
check "optivfio host prepare exits 0" test $? -eq 0
check_prepared
l2_qemu_from setup 150 $S/qemu-args.txt
ov release host release --gpu $GPU
check "optivfio host release exits 0" test $? -eq 0
check_released
