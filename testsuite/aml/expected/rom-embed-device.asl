/*
 * Expected: --mode embed with the 16-byte ROM 55 AA 01 02 ... 0E on QEMU
 * 7.2 with --bridge-hotplug off: QEMU does not declare S00 there
 * (facts-qemu-libvirt §1.2), so the table declares Device (S00) with
 * _ADR 0 (slot 0, function 0) under Scope (\_SB.PCI0.S08). One chunk
 * (0xF800 bytes per chunk), so the picker has one branch. By hand from
 * ACPI 6.5 §6.2.12 _ROM and design.md §3.
 */
DefinitionBlock ("", "SSDT", 1, "OPTVIO", "OVROM001", 1)
{
    External (\_SB.PCI0.S08, DeviceObj)

    Scope (\_SB.PCI0.S08)
    {
        Device (S00)
        {
            Name (_ADR, 0)

            Method (OVRC, 3)    // bytes Arg1..Arg1+Arg2 of chunk Arg0
            {
                If (LEqual (Arg0, 0))
                {
                    Return (Mid (OV00, Arg1, Arg2))
                }
                Return (Buffer (0) {})
            }

            Method (_ROM, 2, Serialized)
            {
                Store (Arg1, Local0)
                If (LGreater (Local0, 0x1000))
                {
                    Store (0x1000, Local0)
                }
                If (LGreaterEqual (Arg0, 16))
                {
                    Return (Buffer (Local0) {})
                }
                Subtract (16, Arg0, Local1)
                If (LGreater (Local1, Local0))
                {
                    Store (Local0, Local1)
                }
                Divide (Arg0, 0xF800, Local2, Local3)
                Subtract (0xF800, Local2, Local4)
                If (LGreater (Local4, Local1))
                {
                    Store (Local1, Local4)
                }
                Store (OVRC (Local3, Local2, Local4), Local5)
                If (LLess (Local4, Local1))
                {
                    Concatenate (Local5, OVRC (Add (Local3, 1), 0, Subtract (Local1, Local4)), Local5)
                }
                If (LLess (Local1, Local0))
                {
                    Concatenate (Local5, Buffer (Subtract (Local0, Local1)) {}, Local5)
                }
                Return (Local5)
            }

            Name (OV00, Buffer (16)
            {
                0x55, 0xAA, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
                0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E
            })
        }
    }
}
