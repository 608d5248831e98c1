/*
 * Lab scaffold: a fake battery that is present and reports itself, the
 * "present" mode of design §3 (the NVIDIA driver looks for a rechargeable
 * battery). Control Method Battery (PNP0C0A, ACPI 6.x §10.2) under q35's
 * LPC bridge \_SB.PCI0.SF8 with _STA 0x1F (bit 4: battery present),
 * _BIF (§10.2.2.1, 13 fields) and _BST (§10.2.2.6, 4 fields).
 * Replaced by `optivfio ssdt --battery present` once that lands.
 */
DefinitionBlock ("", "SSDT", 1, "OVLAB", "BATPRS", 0x00000001)
{
    External (\_SB.PCI0.SF8, DeviceObj)

    Scope (\_SB.PCI0.SF8)
    {
        Device (BAT0)
        {
            Name (_HID, EisaId ("PNP0C0A"))
            Name (_UID, One)
            Method (_STA, 0, NotSerialized)
            {
                Return (0x1F)
            }

            Method (_BIF, 0, NotSerialized)
            {
                Return (Package (0x0D)
                {
                    One,            /* power unit: mA / mAh */
                    0x0FA0,         /* design capacity 4000 mAh */
                    0x0FA0,         /* last full charge capacity */
                    One,            /* technology: rechargeable */
                    0x2B5C,         /* design voltage 11100 mV */
                    0x0190,         /* design capacity of warning */
                    0xC8,           /* design capacity of low */
                    0x0A,           /* granularity 1 */
                    0x0A,           /* granularity 2 */
                    "OVLAB0",       /* model number */
                    "0001",         /* serial number */
                    "LION",         /* battery type */
                    "optivfio"      /* OEM information */
                })
            }

            Method (_BST, 0, NotSerialized)
            {
                Return (Package (0x04)
                {
                    Zero,           /* state: neither charging nor discharging */
                    Zero,           /* present rate */
                    0x0FA0,         /* remaining capacity: full */
                    0x2B5C          /* present voltage */
                })
            }
        }
    }
}
