/*
 * Lab scaffold: a fake battery that is there but empty, like the seed's
 * (design §3): a Control Method Battery (PNP0C0A, ACPI 6.x §10.2) under
 * q35's LPC bridge \_SB.PCI0.SF8 (facts-qemu-libvirt §1.1, QEMU >= 7.2)
 * with only _STA. _STA 0x0F = present, enabled, shown, functioning, and
 * bit 4 (battery present) clear: Linux enumerates PNP0C0A:00 and the
 * battery driver binds, but no power supply is registered.
 * Replaced by `optivfio ssdt --battery absent` once that lands.
 */
DefinitionBlock ("", "SSDT", 1, "OVLAB", "BATABS", 0x00000001)
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
                Return (0x0F)
            }
        }
    }
}
