/*
 * Seed-style _ROM table: the yardstick our own tables are measured against.
 * Written for the lab from the description in design.md §3 (not copied):
 * on the first call it reads the whole fw_cfg file "opt/com.lion328/nvidia-rom"
 * byte by byte through the legacy ports into a buffer, then every call
 * answers with a slice of that buffer.
 *
 *   iasl -p OUT ssdt_seed_rom.asl               Scope(\_SB.PCI0.S08.S00): QEMU
 *                                               declares S00 (7.2 with ACPI
 *                                               bridge hotplug, >= 8.0 always)
 *   iasl -DDECLARE_S00 -p OUT ssdt_seed_rom.asl the table declares Device(S00)
 *                                               (7.2 with bridge hotplug off)
 *
 * fw_cfg (facts-qemu-libvirt §2.2-2.3): 16-bit write of the key to 0x510,
 * 8-bit reads of the data at 0x511; directory at key 0x19 = BE32 count and
 * 64-byte entries {BE32 size, BE16 select, BE16 reserved, char name[56]}.
 * _ROM (ACPI 6.x §B.4.3 via design §3): at most 4 KiB, exactly Arg1 bytes,
 * zero past the end of the image; integers are 32 bits wide (QEMU's DSDT is
 * revision 1), which is plenty here.
 */
DefinitionBlock ("", "SSDT", 1, "OVLAB", "SEEDROM", 0x00000001)
{
    External (\_SB.PCI0.S08, DeviceObj)
    /* DECLARE_S00 puts everything inside the Device: where QEMU already has
     * S00 the whole subtree is refused (AE_ALREADY_EXISTS), so a wrong
     * choice shows (facts-qemu-libvirt §1.4). */
#ifdef DECLARE_S00
    Scope (\_SB.PCI0.S08)
    {
    Device (S00)
    {
        Name (_ADR, Zero)
#else
    External (\_SB.PCI0.S08.S00, DeviceObj)

    Scope (\_SB.PCI0.S08.S00)
    {
#endif
        OperationRegion (SDIO, SystemIO, 0x0510, 0x02)
        Field (SDIO, WordAcc, NoLock, Preserve)
        {
            SSEL,   16
        }
        Field (SDIO, ByteAcc, NoLock, Preserve)
        {
            Offset (0x01),
            SDAT,   8
        }

        /* The name padded to the directory's 56 bytes, so one LEqual of two
         * 56-byte buffers compares the whole entry name. */
        Name (SNAM, Buffer (0x38) { "opt/com.lion328/nvidia-rom" })
        Name (SLEN, Zero)       /* bytes in SBUF */
        Name (SRDY, Zero)       /* SBUF loaded */
        Name (SBUF, Zero)       /* becomes the ROM buffer (CopyObject) */

        /* Next N (1..4) data bytes as a big-endian integer. */
        Method (SBE, 1, NotSerialized)
        {
            Local0 = Zero
            Local1 = Arg0
            While (Local1)
            {
                Local0 = ((Local0 << 0x08) | SDAT)
                Local1--
            }
            Return (Local0)
        }

        /* Find the file in the directory, then read all of it into SBUF. */
        Method (SLOD, 0, Serialized)
        {
            SSEL = 0x19
            Local0 = SBE (0x04)         /* count */
            Local1 = Zero               /* entry index */
            Local2 = Zero               /* size of the file, 0 = not found */
            Local3 = Zero               /* its select key */
            Local4 = Buffer (0x38) {}
            While ((Local1 < Local0) && (Local2 == Zero))
            {
                Local5 = SBE (0x04)     /* size */
                Local6 = SBE (0x02)     /* select */
                SBE (0x02)              /* reserved */
                Local7 = Zero
                While (Local7 < 0x38)
                {
                    Local4 [Local7] = SDAT
                    Local7++
                }
                If (Local4 == SNAM)
                {
                    Local2 = Local5
                    Local3 = Local6
                }
                Local1++
            }
            If (Local2 == Zero)
            {
                Return (Zero)
            }
            SSEL = Local3
            Local4 = Buffer (Local2) {}
            Local7 = Zero
            While (Local7 < Local2)
            {
                Local4 [Local7] = SDAT
                Local7++
            }
            CopyObject (Local4, SBUF)
            SLEN = Local2
            Return (Zero)
        }

        Method (_ROM, 2, Serialized)
        {
            If (SRDY == Zero)
            {
                SLOD ()
                SRDY = One
            }
            Local0 = Arg1
            If (Local0 > 0x1000)
            {
                Local0 = 0x1000
            }
            If (Local0 == Zero)
            {
                Return (Mid (SBUF, Zero, Zero))     /* an empty buffer */
            }
            If (Arg0 >= SLEN)
            {
                Return (Buffer (Local0) {})
            }
            Local1 = (SLEN - Arg0)
            If (Local1 >= Local0)
            {
                Return (Mid (SBUF, Arg0, Local0))
            }
            /* The image ends inside the request: pad with zeros. */
            Return (Concatenate (Mid (SBUF, Arg0, Local1), Buffer ((Local0 - Local1)) {}))
        }
    }
#ifdef DECLARE_S00
    }
#endif
}
