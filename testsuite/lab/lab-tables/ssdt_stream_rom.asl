/*
 * The lab's own streaming _ROM table: a test fixture, not optivfio's (its
 * `ssdt --mode fwcfg` replaces this). Why it exists: the seed-style table
 * reads the whole fw_cfg file in one While loop on the first call, and on a
 * loaded machine under TCG that loop passes ACPICA's 30 s limit
 * (AE_AML_LOOP_TIMEOUT, seen here). The CI scenarios must not depend on
 * machine load, so they serve the ROM with this table; the seed-style one
 * is measured in the bench and its own scenario.
 *
 * Streaming, as design §3 suggests: the file's select key and size come
 * from the directory (key 0x19) on the first call; the data position is
 * kept between calls, so a call reads only what it returns (plus a skip
 * forward); going backwards re-selects the file (offset back to 0).
 * Assumes nobody else selects another fw_cfg item between calls (no
 * qemu_fw_cfg driver in the lab guests).
 *
 *   iasl -p OUT ssdt_stream_rom.asl                Scope(\_SB.PCI0.S08.S00)
 *   iasl -DDECLARE_S00 -p OUT ssdt_stream_rom.asl  Device(S00) with _ADR 0
 *
 * fw_cfg: facts-qemu-libvirt §2.2-2.3; _ROM: design §3 (<= 4 KiB, exactly
 * Arg1 bytes, zero past the end).
 */
DefinitionBlock ("", "SSDT", 1, "OVLAB", "STRMROM", 0x00000001)
{
    External (\_SB.PCI0.S08, DeviceObj)
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
        OperationRegion (LBIO, SystemIO, 0x0510, 0x02)
        Field (LBIO, WordAcc, NoLock, Preserve)
        {
            LSEL,   16
        }
        Field (LBIO, ByteAcc, NoLock, Preserve)
        {
            Offset (0x01),
            LDAT,   8
        }

        Name (LNAM, Buffer (0x38) { "opt/com.lion328/nvidia-rom" })
        Name (LKEY, Zero)       /* select key of the file, 0 = not found yet */
        Name (LSIZ, Zero)       /* its size */
        Name (LPOS, Zero)       /* offset the next LDAT read returns */

        /* Next N (1..4) data bytes as a big-endian integer. */
        Method (LBE, 1, NotSerialized)
        {
            Local0 = Zero
            Local1 = Arg0
            While (Local1)
            {
                Local0 = ((Local0 << 0x08) | LDAT)
                Local1--
            }
            Return (Local0)
        }

        Method (LFND, 0, Serialized)
        {
            LSEL = 0x19
            Local0 = LBE (0x04)
            Local1 = Zero
            Local4 = Buffer (0x38) {}
            While ((Local1 < Local0) && (LKEY == Zero))
            {
                Local2 = LBE (0x04)
                Local3 = LBE (0x02)
                LBE (0x02)
                Local5 = Zero
                While (Local5 < 0x38)
                {
                    Local4 [Local5] = LDAT
                    Local5++
                }
                If (Local4 == LNAM)
                {
                    LKEY = Local3
                    LSIZ = Local2
                }
                Local1++
            }
            If (LKEY)
            {
                LSEL = LKEY
                LPOS = Zero
            }
        }

        Method (_ROM, 2, Serialized)
        {
            If (LKEY == Zero)
            {
                LFND ()
            }
            Local0 = Arg1
            If (Local0 > 0x1000)
            {
                Local0 = 0x1000
            }
            If (Local0 == Zero)
            {
                Return (Mid (LNAM, Zero, Zero))     /* an empty buffer */
            }
            Local1 = Buffer (Local0) {}
            If (LKEY == Zero)
            {
                Return (Local1)
            }
            If (Arg0 < LPOS)
            {
                LSEL = LKEY
                LPOS = Zero
            }
            /* Counts first, so the per-byte loops test one Local each (every
             * AML op costs under TCG). Skip to Arg0, then copy what exists. */
            Local2 = Arg0
            If (Local2 > LSIZ)
            {
                Local2 = LSIZ
            }
            Local2 -= LPOS
            LPOS += Local2
            While (Local2)
            {
                LBE (One)
                Local2--
            }
            Local2 = Zero
            If (LPOS < LSIZ)
            {
                Local2 = (LSIZ - LPOS)
            }
            If (Local2 > Local0)
            {
                Local2 = Local0
            }
            LPOS += Local2
            Local3 = Zero
            While (Local3 < Local2)
            {
                Local1 [Local3] = LDAT
                Local3++
            }
            Return (Local1)
        }
    }
#ifdef DECLARE_S00
    }
#endif
}
