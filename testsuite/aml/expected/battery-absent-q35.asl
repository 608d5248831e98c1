/*
 * Expected: --battery absent on q35. Written by hand from ACPI 6.5 §10.2
 * (Control Method Battery, _HID PNP0C0A) and §6.3.7 (_STA: bits 0-3 =
 * present/enabled/shown/functioning, bit 4 clear = no battery in the slot),
 * under the q35 LPC bridge \_SB.PCI0.SF8 (facts-qemu-libvirt §1.1).
 */
DefinitionBlock ("", "SSDT", 1, "OPTVIO", "OVBATT  ", 1)
{
    External (\_SB.PCI0.SF8, DeviceObj)

    Scope (\_SB.PCI0.SF8)
    {
        Device (BAT0)
        {
            Name (_HID, EisaId ("PNP0C0A"))
            Name (_UID, 1)
            Method (_STA, 0, NotSerialized)
            {
                Return (0x0F)
            }
        }
    }
}
