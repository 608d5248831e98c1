/*
 * Expected: --battery present --machine pc. By hand from ACPI 6.5 §10.2.2:
 * _BIF (13 elements), _BIX revision 0 (20 elements), _BST (4 elements),
 * Battery Technology 1 = rechargeable, Power Unit 0 = mW/mWh; _STA 0x1F =
 * device OK + battery present. pc's LPC (PIIX) bridge is \_SB.PCI0.S08.
 */
DefinitionBlock ("", "SSDT", 1, "OPTVIO", "OVBATT  ", 1)
{
    External (\_SB.PCI0.S08, DeviceObj)

    Scope (\_SB.PCI0.S08)
    {
        Device (BAT0)
        {
            Name (_HID, EisaId ("PNP0C0A"))
            Name (_UID, 1)
            Method (_STA, 0, NotSerialized)
            {
                Return (0x1F)
            }

            Method (_BIF, 0, NotSerialized)
            {
                Return (Package (13)
                {
                    0,          // Power Unit: mWh
                    50000,      // Design Capacity
                    50000,      // Last Full Charge Capacity
                    1,          // Battery Technology: rechargeable
                    11100,      // Design Voltage (mV)
                    5000,       // Design Capacity of Warning
                    1500,       // Design Capacity of Low
                    500,        // Capacity Granularity 1
                    500,        // Capacity Granularity 2
                    "OPTIVFIO", // Model Number
                    "00001",    // Serial Number
                    "LION",     // Battery Type
                    "optivfio"  // OEM Information
                })
            }

            Method (_BIX, 0, NotSerialized)
            {
                Return (Package (20)
                {
                    0,          // Revision
                    0,          // Power Unit: mWh
                    50000,      // Design Capacity
                    50000,      // Last Full Charge Capacity
                    1,          // Battery Technology: rechargeable
                    11100,      // Design Voltage
                    5000,       // Design Capacity of Warning
                    1500,       // Design Capacity of Low
                    0,          // Cycle Count
                    95000,      // Measurement Accuracy (95.000 %)
                    1000,       // Max Sampling Time
                    1000,       // Min Sampling Time
                    1000,       // Max Averaging Interval
                    1000,       // Min Averaging Interval
                    500,        // Capacity Granularity 1
                    500,        // Capacity Granularity 2
                    "OPTIVFIO",
                    "00001",
                    "LION",
                    "optivfio"
                })
            }

            Method (_BST, 0, NotSerialized)
            {
                Return (Package (4)
                {
                    0,          // State: neither charging nor discharging
                    0,          // Present Rate
                    50000,      // Remaining Capacity: full
                    11100       // Present Voltage
                })
            }
        }
    }
}
