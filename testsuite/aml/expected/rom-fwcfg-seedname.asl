/*
 * Expected: --mode fwcfg --fw-cfg-name opt/com.lion328/nvidia-rom, default
 * topology on QEMU 7.2 (S00 declared by QEMU -> Scope). Written by hand
 * from facts-qemu-libvirt §2.2/§2.3 (select = 16-bit write to 0x510, data =
 * 8-bit reads from 0x511, directory key 0x19: BE32 count, 64-byte entries
 * {BE32 size, BE16 select, BE16 reserved, name[56]}) and the streaming
 * design in design.md §3 (keep the read position, re-select only to go
 * backwards), ACPI 6.5 §6.2.12 _ROM (Arg0 offset, Arg1 length <= 4 KiB).
 */
DefinitionBlock ("", "SSDT", 1, "OPTVIO", "OVROMFWC", 1)
{
    External (\_SB.PCI0.S08.S00, DeviceObj)

    Scope (\_SB.PCI0.S08.S00)
    {
        Name (OVFN, Buffer () { "opt/com.lion328/nvidia-rom" })   // + NUL: 27 bytes
        Name (OVFK, 0)      // the file's key, 0 until the directory was scanned
        Name (OVFS, 0)      // its size
        Name (OVFP, 0)      // read position in the selected file
        OperationRegion (OVFR, SystemIO, 0x510, 2)
        Field (OVFR, WordAcc, NoLock, Preserve)
        {
            OVSL, 16        // 0x510: selector, 16-bit write
        }
        Field (OVFR, ByteAcc, NoLock, Preserve)
        {
            Offset (1),
            OVDT, 8         // 0x511: data, 8-bit read
        }

        Method (OVRB, 1)    // Arg0 bytes from the data port
        {
            Store (Buffer (Arg0) {}, Local0)
            Store (0, Local1)
            While (LLess (Local1, Arg0))
            {
                Store (OVDT, Index (Local0, Local1))
                Increment (Local1)
            }
            Return (Local0)
        }

        Method (OVRN, 1)    // big-endian number of Arg0 bytes
        {
            Store (0, Local0)
            Store (0, Local1)
            While (LLess (Local1, Arg0))
            {
                Or (ShiftLeft (Local0, 8), OVDT, Local0)
                Increment (Local1)
            }
            Return (Local0)
        }

        Method (OVFF, 0)    // find the file in the directory
        {
            Store (0x19, OVSL)
            Store (OVRN (4), Local0)
            Store (0, Local1)
            While (LLess (Local1, Local0))
            {
                Store (OVRN (4), Local2)
                Store (OVRN (2), Local3)
                OVRN (2)
                Store (OVRB (56), Local4)
                If (LEqual (Mid (Local4, 0, 27), OVFN))
                {
                    Store (Local2, OVFS)
                    Store (Local3, OVFK)
                    Break
                }
                Increment (Local1)
            }
        }

        Method (_ROM, 2, Serialized)
        {
            Store (Arg1, Local0)
            If (LGreater (Local0, 0x1000))
            {
                Store (0x1000, Local0)
            }
            If (LEqual (OVFK, 0))
            {
                OVFF ()
                If (LEqual (OVFK, 0))
                {
                    Return (Buffer (Local0) {})
                }
                Store (OVFK, OVSL)
                Store (0, OVFP)
            }
            If (LGreaterEqual (Arg0, OVFS))
            {
                Return (Buffer (Local0) {})
            }
            Subtract (OVFS, Arg0, Local1)
            If (LGreater (Local1, Local0))
            {
                Store (Local0, Local1)
            }
            If (LLess (Arg0, OVFP))
            {
                Store (OVFK, OVSL)
                Store (0, OVFP)
            }
            While (LLess (OVFP, Arg0))
            {
                Store (OVDT, Local2)
                Increment (OVFP)
            }
            Store (OVRB (Local1), Local5)
            Add (OVFP, Local1, OVFP)
            If (LLess (Local1, Local0))
            {
                Concatenate (Local5, Buffer (Subtract (Local0, Local1)) {}, Local5)
            }
            Return (Local5)
        }
    }
}
