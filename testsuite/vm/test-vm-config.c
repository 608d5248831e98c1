// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The vm library with explicit configurations: QEMU and Proxmox output
 * against strings written by hand from facts-qemu-libvirt §4.2/§5, the
 * quoting rules, and patch/remove round trips over every fixture domain
 * and every libvirt version branch, compared as canonical XML (libxml2's
 * C14N, not our serializer).
 */
#include "testutil.h"
#include "core/ctx.h"
#include "core/fileio.h"
#include "vm/vm.h"

#include <errno.h>
#include <libxml/c14n.h>
#include <libxml/parser.h>

static const char *const tables[] = { "/srv/ssdt/ssdt-rom.aml", "/srv/a,b/ssdt-bat.aml" };

static struct ov_vm_config full_config(unsigned version)
{
	return (struct ov_vm_config){
		.host_gpu = { 0, 1, 0, 0 },
		.have_sub_ids = true, .sub_vendor = 0x1025, .sub_device = 0x118b,
		.acpi_tables = tables, .n_tables = 2,
		.fwcfg_name = "opt/optivfio/vbios", .fwcfg_file = "/srv/ssdt/vbios.rom",
		.rom_bar_file = "/srv/mxm rom/gtx1050.rom",
		.battery = true,
		.libvirt_version = version,
	};
}

static void assert_strv(char **got, size_t n, const char *const *want)
{
	size_t i;

	for (i = 0; want[i]; i++) {
		assert_true(i < n);
		assert_string_equal(got[i], want[i]);
	}
	assert_int_equal(i, n);
	assert_null(got[n]);
}

static const struct ov_vm_qemu_machine machine = {
	.name = "win,11", .memory_mib = 4096, .cpus = 2,
	.ovmf_code = "/usr/share/OVMF/OVMF_CODE_4M.fd", .ovmf_vars = "/srv/vm/win_VARS.fd",
	.disk = "/srv/vm/win.qcow2",
};

static void qemu_args_follow_the_recipe(void **state)
{
	struct ov_vm_config cfg = full_config(0);
	struct ov_ctx *ctx;
	char vendor[OV_VM_HV_VENDOR_ID_LEN + 1], cpu[160];
	char **argv;
	size_t n;
	/* facts §4.2 (root port props as libvirt emits them), §5 (vfio-pci),
	 * §3 (-acpitable), §2.5 (-fw_cfg); commas doubled in values. */
	const char *const want[] = {
		"qemu-system-x86_64",
		"-name", "win,,11",
		"-machine", "q35",
		"-accel", "kvm",
		"-cpu", cpu,
		"-smp", "2",
		"-m", "4096",
		"-nodefaults",
		"-drive", "if=pflash,format=raw,unit=0,readonly=on,"
			  "file=/usr/share/OVMF/OVMF_CODE_4M.fd",
		"-drive", "if=pflash,format=raw,unit=1,file=/srv/vm/win_VARS.fd",
		"-device",
		"pcie-root-port,id=optivfio-rp,bus=pcie.0,addr=01.0,chassis=1,port=0x8,"
		"hotplug=off",
		"-device",
		"vfio-pci,host=0000:01:00.0,id=optivfio-gpu,bus=optivfio-rp,addr=00.0,"
		"x-pci-sub-vendor-id=0x1025,x-pci-sub-device-id=0x118b,"
		"rombar=1,romfile=/srv/mxm rom/gtx1050.rom",
		"-device", "VGA,id=optivfio-vga,bus=pcie.0,addr=0x2",
		"-netdev", "user,id=optivfio-net",
		"-device", "e1000e,netdev=optivfio-net,bus=pcie.0,addr=0x3",
		"-drive", "file=/srv/vm/win.qcow2,if=none,id=optivfio-disk,format=qcow2",
		"-device", "ide-hd,drive=optivfio-disk,bus=ide.0",
		"-device", "qemu-xhci,id=optivfio-xhci,bus=pcie.0,addr=0x4",
		"-device", "usb-tablet,bus=optivfio-xhci.0",
		"-acpitable",
		"file=/srv/ssdt/ssdt-rom.aml",
		"-acpitable",
		"file=/srv/a,,b/ssdt-bat.aml",
		"-fw_cfg",
		"name=opt/optivfio/vbios,file=/srv/ssdt/vbios.rom",
		NULL,
	};

	ov_vm_hv_vendor_id("win,11", vendor);
	snprintf(cpu, sizeof(cpu), "host,kvm=off,hv-vendor-id=%s,hv-relaxed,hv-vapic,"
		 "hv-spinlocks=0x1fff,hv-time", vendor);
	cfg.qemu = &machine;
	assert_int_equal(ov_ctx_new(NULL, &ctx, NULL, 0), 0);
	assert_int_equal(ov_vm_qemu_args(ctx, &cfg, &argv, &n), 0);
	assert_strv(argv, n, want);
	ov_vm_strv_free(argv);

	/* Nothing optional: no sub ids, no tables, no tablet, no disk. */
	cfg = (struct ov_vm_config){ .host_gpu = { 0, 2, 0, 0 },
				     .hide_hypervisor = OV_VM_HIDE_OFF, .qemu = &machine };
	assert_int_equal(ov_vm_qemu_args(ctx, &cfg, &argv, &n), 0);
	assert_string_equal(argv[8], "host,hv-relaxed,hv-vapic,hv-spinlocks=0x1fff,hv-time");
	assert_string_equal(argv[21], "vfio-pci,host=0000:02:00.0,id=optivfio-gpu,"
			    "bus=optivfio-rp,addr=00.0");
	for (size_t i = 0; i < n; i++)
		assert_null(strstr(argv[i], "acpitable"));
	ov_vm_strv_free(argv);

	/* Without firmware there is no command that starts. */
	cfg.qemu = NULL;
	assert_int_equal(ov_vm_qemu_args(ctx, &cfg, &argv, &n), -EINVAL);
	ov_ctx_free(ctx);
}

static void proxmox_lines(void **state)
{
	struct ov_vm_config cfg = full_config(0);
	struct ov_ctx *ctx;
	char vendor[OV_VM_HV_VENDOR_ID_LEN + 1], cpu[64];
	char **lines;
	size_t n;
	/* qemu-server: PVE/QemuServer/PCI.pm (hostpci options), CPUConfig.pm
	 * (hidden, hv-vendor-id). */
	const char *const want[] = {
		"machine: q35",
		"bios: ovmf",
		cpu,
		"hostpci0: 0000:01:00.0,pcie=1,sub-vendor-id=0x1025,sub-device-id=0x118b,"
		"rombar=1,romfile=gtx1050.rom",
		"tablet: 1",
		"args: -global pcie-root-port.hotplug=off"
		" -acpitable file=/srv/ssdt/ssdt-rom.aml"
		" -acpitable file=/srv/a,,b/ssdt-bat.aml"
		" -fw_cfg name=opt/optivfio/vbios,file=/srv/ssdt/vbios.rom",
		NULL,
	};

	cfg.vmid = "101";
	ov_vm_hv_vendor_id("101", vendor);
	snprintf(cpu, sizeof(cpu), "cpu: host,hidden=1,hv-vendor-id=%s", vendor);
	assert_int_equal(ov_ctx_new(NULL, &ctx, NULL, 0), 0);
	assert_int_equal(ov_vm_proxmox_lines(ctx, &cfg, &lines, &n), 0);
	assert_strv(lines, n, want);
	ov_vm_strv_free(lines);
	ov_ctx_free(ctx);
}

/* The vendor id: letters and digits, 12 of them, stable, seed-dependent. */
static void hv_vendor_ids(void **state)
{
	char a[OV_VM_HV_VENDOR_ID_LEN + 1], b[OV_VM_HV_VENDOR_ID_LEN + 1];
	char seen[64][OV_VM_HV_VENDOR_ID_LEN + 1];

	for (int i = 0; i < 64; i++) {
		char seed[16];

		snprintf(seed, sizeof(seed), "%d", 100 + i);
		ov_vm_hv_vendor_id(seed, seen[i]);
		assert_int_equal(strlen(seen[i]), OV_VM_HV_VENDOR_ID_LEN);
		assert_true(seen[i][0] >= 'a' && seen[i][0] <= 'z');
		for (int k = 0; k < OV_VM_HV_VENDOR_ID_LEN; k++)
			assert_non_null(strchr("abcdefghijklmnopqrstuvwxyz0123456789", seen[i][k]));
		for (int j = 0; j < i; j++)
			assert_string_not_equal(seen[i], seen[j]);
	}
	ov_vm_hv_vendor_id("6f0c2b1e-5c36-4d39-8f1e-8f4d0c7b2a11", a);
	ov_vm_hv_vendor_id("6f0c2b1e-5c36-4d39-8f1e-8f4d0c7b2a11", b);
	assert_string_equal(a, b);
	ov_vm_hv_vendor_id(NULL, a);
	assert_int_equal(strlen(a), OV_VM_HV_VENDOR_ID_LEN);
}

static void quoting(void **state)
{
	static const char *const cases[][2] = {
		{ "file=/srv/x.aml", "file=/srv/x.aml" },
		{ "a b", "'a b'" },
		{ "it's", "'it'\\''s'" },
		{ "", "''" },
		{ "$HOME", "'$HOME'" },
		{ "a\"b", "'a\"b'" },
		{ "x;rm -rf /", "'x;rm -rf /'" },
	};
	char *s;

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		s = ov_vm_shell_quote(cases[i][0]);
		assert_string_equal(s, cases[i][1]);
		free(s);
	}
	s = ov_vm_qemu_escape("/a,b,,c");
	assert_string_equal(s, "/a,,b,,,,c");
	free(s);
}

static void libvirt_versions(void **state)
{
	unsigned v;

	assert_true(ov_vm_parse_libvirt_version("9.0.0", &v));
	assert_int_equal(v, 9000000);
	assert_true(ov_vm_parse_libvirt_version("11.2", &v));
	assert_int_equal(v, 11002000);
	assert_true(ov_vm_parse_libvirt_version("8.2.0", &v));
	assert_int_equal(v, OV_LIBVIRT_HAS_QEMU_OVERRIDE);
	assert_false(ov_vm_parse_libvirt_version("9", &v));
	assert_false(ov_vm_parse_libvirt_version("9.0.0.1", &v));
	assert_false(ov_vm_parse_libvirt_version("9.x", &v));
	assert_false(ov_vm_parse_libvirt_version("-9.0", &v));
	assert_false(ov_vm_parse_libvirt_version("9..0", &v));
	assert_false(ov_vm_parse_libvirt_version("", &v));
}

/* Canonical XML (W3C C14N 1.0, libxml2's implementation). */
static char *c14n(const char *xml, size_t len)
{
	xmlDocPtr doc = xmlReadMemory(xml, (int)len, NULL, NULL, XML_PARSE_NONET);
	xmlChar *out = NULL;

	assert_non_null(doc);
	assert_true(xmlC14NDocDumpMemory(doc, NULL, XML_C14N_1_0, NULL, 1, &out) >= 0);
	xmlFreeDoc(doc);
	return (char *)out;
}

static void round_trip(struct ov_ctx *ctx, const char *in, size_t len,
		       const struct ov_vm_config *cfg)
{
	char *out, *again, *back, *a, *b;
	size_t out_len, again_len, back_len;
	bool was;

	assert_int_equal(ov_vm_libvirt_patch(ctx, in, len, cfg, NULL, &out, &out_len), 0);
	assert_int_equal(strlen(out), out_len);
	/* Idempotent: byte for byte, so also canonically. */
	assert_int_equal(ov_vm_libvirt_patch(ctx, out, out_len, cfg, NULL, &again,
					     &again_len), 0);
	assert_string_equal(out, again);
	/* Remove gives back the input. */
	assert_int_equal(ov_vm_libvirt_remove(ctx, out, out_len, &back, &back_len, &was),
			 0);
	assert_true(was);
	a = c14n(in, len);
	b = c14n(back, back_len);
	assert_string_equal(a, b);
	/* Our serializer keeps even the bytes (quotes, whitespace). */
	assert_int_equal(back_len, len);
	assert_memory_equal(back, in, len);
	xmlFree(a);
	xmlFree(b);
	/* Canonically different from the input: the patch did something. */
	a = c14n(in, len);
	b = c14n(out, out_len);
	assert_string_not_equal(a, b);
	xmlFree(a);
	xmlFree(b);
	free(out);
	free(again);
	free(back);
}

static void round_trips_over_fixtures_and_versions(void **state)
{
	static const char *const fixtures[] = { "win11-virt-manager", "minimal",
						"gpu-hostdev-elsewhere", "seed-patched" };
	static const unsigned versions[] = { 6003000, 6005000, 8001000, 9000000,
					     11002000 };
	const char *src = getenv("SRCDIR");
	struct ov_ctx *ctx;
	char path[4096];

	assert_non_null(src);
	assert_int_equal(ov_ctx_new(NULL, &ctx, NULL, 0), 0);
	for (size_t f = 0; f < sizeof(fixtures) / sizeof(*fixtures); f++) {
		uint8_t *in;
		size_t len;

		snprintf(path, sizeof(path), "%s/testsuite/vm/domains/%s.xml", src,
			 fixtures[f]);
		assert_int_equal(ov_read_file(ctx, path, &in, &len), 0);
		for (size_t v = 0; v < sizeof(versions) / sizeof(*versions); v++) {
			struct ov_vm_config cfg = full_config(versions[v]);

			round_trip(ctx, (const char *)in, len, &cfg);
			/* And the smallest patch: no ids, tables, ROM, battery. */
			cfg = (struct ov_vm_config){ .host_gpu = { 0, 1, 0, 0 },
						     .libvirt_version = versions[v] };
			round_trip(ctx, (const char *)in, len, &cfg);
		}
		free(in);
	}
	ov_ctx_free(ctx);
}

/* Documents nobody indented, with a declaration, a comment and odd spacing. */
static void unusual_documents(void **state)
{
	static const char *const docs[] = {
		"<domain type='kvm'><name>x</name><os><type machine='q35'>hvm</type></os>"
		"<devices><video><address type='pci' domain='0' bus='0' "
		"slot='1'/></video>"
		"</devices></domain>",
		"<?xml version=\"1.0\"?>\n<!-- top -->\n<domain "
		"type=\"kvm\">\n\t<name>t</name>\n"
		"\t<os>\n\t\t<type machine=\"pc-q35-8.0\">hvm</type>\n\t</os>\n"
		"\t<features/>\n\t<devices>\n\t</devices>\n</domain>\n",
		"<domain type='kvm'>\n  <name>e</name>\n  <metadata/>\n  <os><type "
		"machine='q35'>"
		"hvm</type></os>\n</domain>\n",
	};
	struct ov_vm_config cfg = full_config(9000000);
	struct ov_ctx *ctx;

	assert_int_equal(ov_ctx_new(NULL, &ctx, NULL, 0), 0);
	for (size_t i = 0; i < sizeof(docs) / sizeof(*docs); i++)
		round_trip(ctx, docs[i], strlen(docs[i]), &cfg);
	ov_ctx_free(ctx);
}

static void refusals(void **state)
{
	static const struct {
		const char *xml, *msg;
	} cases[] = {
		{ "<network><name>n</name></network>", "not a libvirt domain" },
		{ "<domain><name>", "not well-formed XML" },
		{ "", "not well-formed XML" },
		{ "<domain><os><type machine='pc-i440fx-7.2'>hvm</type></os></domain>",
		  "q35" },
		{ "<domain><os><type machine='pc'>hvm</type></os></domain>", "q35" },
		{ "<domain><os><type>hvm</type></os></domain>", "i440fx" },
		{ "<q:domain xmlns:q='urn:x'/>", "not a libvirt domain" },
		{ "<domain xmlns:qemu='urn:other'><os><type machine='q35'>hvm</type></os>"
		  "</domain>", "the prefix 'qemu' is bound to another namespace" },
		/* found by fuzz-vm-libvirt: a prefix nobody declared */
		{ "<domain><qemu:commandline/></domain>", "Namespace prefix qemu" },
		{ "<domain><os><type machine='q35'>hvm</type></os><devices>"
		  "<controller type='pci' index='0' model='pcie-root'/>"
		  "<controller type='pci' index='0' "
		  "model='pcie-root-port'/></devices></domain>",
		  "two PCI controllers with index 0" },
		{ "<domain><os><type machine='q35'>hvm</type></os><devices>"
		  "<video><address type='pci' bus='0' slot='3'/></video>"
		  "<sound><address type='pci' domain='0' bus='0x00' slot='0x03'/></sound>"
		  "</devices></domain>",
		  "same PCI address 0000:00:03.0" },
		{ "<domain><os><type machine='q35'>hvm</type></os><devices>"
		  "<video><address type='pci' domain='5x0' bus='0' slot='3'/></video>"
		  "</devices></domain>",
		  "unreadable PCI address" },
		{ "<domain><os><type machine='q35'>hvm</type></os><devices>"
		  "<video><address type='pci' bus='0' slot='32'/></video>"
		  "</devices></domain>",
		  "unreadable PCI address" },
	};
	struct ov_vm_config cfg = full_config(0);
	struct ov_ctx *ctx;
	char *out = NULL;
	size_t len;

	assert_int_equal(ov_ctx_new(NULL, &ctx, NULL, 0), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		assert_int_equal(ov_vm_libvirt_patch(ctx, cases[i].xml,
						     strlen(cases[i].xml), &cfg, NULL,
						     &out, &len),
				 -EINVAL);
		assert_null(out);
		assert_non_null(strstr(ov_ctx_error(ctx), cases[i].msg));
		assert_null(strchr(ov_ctx_error(ctx), '\n'));
	}
	static const char q35[] =
		"<domain><os><type machine='q35'>hvm</type></os></domain>";
	/* found by fuzz-vm-libvirt: our device without our record */
	static const char leftover[] = "<domain><os><type machine='q35'>hvm</type></os>"
		"<devices><controller type='pci' index='1' model='pcie-root-port'>"
		"<alias name='ua-optivfio-rp'/></controller></devices></domain>";

	assert_int_equal(ov_vm_libvirt_patch(ctx, leftover, strlen(leftover), &cfg, NULL,
					     &out, &len), -EEXIST);
	assert_non_null(strstr(ov_ctx_error(ctx), "ua-optivfio-rp"));

	cfg.libvirt_version = 6002000;
	assert_int_equal(
		ov_vm_libvirt_patch(ctx, q35, strlen(q35), &cfg, NULL, &out, &len),
		-ENOTSUP);
	assert_non_null(strstr(ov_ctx_error(ctx), "6.3.0"));
	ov_ctx_free(ctx);
}

static void write_manifest(const char *dir, const char *json)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/" OV_VM_SSDT_MANIFEST, dir);
	tu_write(path, json, strlen(json));
}

static void ssdt_manifest(void **state)
{
	char *dir = tu_tempdir(), path[4096], json[8192];
	struct ov_vm_ssdt_manifest m;
	struct ov_ctx *ctx;

	assert_int_equal(ov_ctx_new(NULL, &ctx, NULL, 0), 0);
	snprintf(path, sizeof(path), "%s/a.aml", dir);
	tu_write(path, "SSDT", 4);
	snprintf(path, sizeof(path), "%s/b.aml", dir);
	tu_write(path, "SSDT", 4);
	snprintf(path, sizeof(path), "%s/rom", dir);
	tu_write(path, "\x55\xaa", 2);
	snprintf(json, sizeof(json),
		 "{\"mode\":\"fwcfg\",\"gpu_path\":\"\\\\_SB.PCI0.S08.S00\","
		 "\"scope\":\"scope\",\"fw_cfg_name\":\"opt/x/rom\",\"rom\":\"%s/rom\","
		 "\"tables\":[\"b.aml\",\"a.aml\"],\"battery\":\"absent\"}",
		 dir);
	write_manifest(dir, json);
	assert_int_equal(ov_vm_ssdt_manifest_load(ctx, dir, &m), 0);
	assert_true(m.fwcfg_mode);
	assert_string_equal(m.gpu_path, "\\_SB.PCI0.S08.S00");
	assert_string_equal(m.fw_cfg_name, "opt/x/rom");
	assert_int_equal(m.n_tables, 2);
	snprintf(path, sizeof(path), "%s/b.aml", dir);
	assert_string_equal(m.tables[0], path);	/* order kept, made absolute */
	assert_int_equal(m.battery, OV_VM_BATTERY_ABSENT);
	ov_vm_ssdt_manifest_free(&m);

	write_manifest(dir, "{\"mode\":\"embed\",\"gpu_path\":\"x\",\"fw_cfg_name\":null,"
		       "\"rom\":null,\"tables\":[\"a.aml\"],\"battery\":\"none\"}");
	assert_int_equal(ov_vm_ssdt_manifest_load(ctx, dir, &m), 0);
	assert_false(m.fwcfg_mode);
	assert_null(m.fw_cfg_name);
	assert_null(m.rom);
	ov_vm_ssdt_manifest_free(&m);

	static const char *const bad[] = {
		"{\"mode\":\"embed\",\"gpu_path\":\"x\",\"tables\":[\"../a.aml\"]}",
		"{\"mode\":\"embed\",\"gpu_path\":\"x\",\"tables\":[\"missing.aml\"]}",
		"{\"mode\":\"embed\",\"gpu_path\":\"x\",\"tables\":[1]}",
		"{\"mode\":\"embed\",\"gpu_path\":\"x\",\"tables\":\"a.aml\"}",
		"{\"mode\":\"fwcfg\",\"gpu_path\":\"x\",\"fw_cfg_name\":\"etc/"
		"x\",\"rom\":\"/\","
		"\"tables\":[]}",
		"{\"mode\":\"other\",\"tables\":[]}",
		"{\"mode\":\"embed\",\"gpu_path\":\"x\",\"tables\":[],\"battery\":"
		"\"full\"}",
		"[1,2]",
		"{\"mode\":",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		write_manifest(dir, bad[i]);
		assert_true(ov_vm_ssdt_manifest_load(ctx, dir, &m) < 0);
		assert_non_null(strstr(ov_ctx_error(ctx), OV_VM_SSDT_MANIFEST));
	}
	ov_ctx_free(ctx);
	tu_rm_rf(dir);
	free(dir);
}

/* Inputs fuzz-vm-libvirt found: refused, or patched idempotently and removable. */
static void fuzz_regressions(void **state)
{
	static const char *const fuzz_tables[] = { "/srv/ssdt,1.aml", "/srv/ssdt 2.aml" };
	const char *src = getenv("SRCDIR");
	struct ov_vm_config cfg = full_config(9000000);
	struct ov_ctx *ctx;
	char path[4096];

	cfg.acpi_tables = fuzz_tables;	/* as in fuzz/fuzz-vm-libvirt.c */
	cfg.fwcfg_file = "/srv/vbios.rom";
	cfg.rom_bar_file = NULL;
	assert_int_equal(ov_ctx_new(NULL, &ctx, NULL, 0), 0);
	for (int i = 1;; i++) {
		char *out = NULL, *again = NULL, *back = NULL, *restored;
		size_t len, out_len, again_len, back_len, restored_len;
		uint8_t *in;
		bool was;

		snprintf(path, sizeof(path),
			 "%s/testsuite/vm/fuzz-regressions/idempotence-%d.xml", src, i);
		if (access(path, F_OK) < 0) {
			assert_true(i > 8);	/* the directory holds eight */
			break;
		}
		assert_int_equal(ov_read_file(ctx, path, &in, &len), 0);
		/* The fuzzer's configuration for this input size. */
		cfg.battery = len & 1;
		cfg.libvirt_version = len & 2 ? 11002000 : 9000000;
		if (ov_vm_libvirt_patch(ctx, (const char *)in, len, &cfg, NULL, &out,
					&out_len) == 0) {
			assert_int_equal(ov_vm_libvirt_patch(ctx, out, out_len, &cfg,
							     NULL, &again, &again_len),
					 0);
			assert_string_equal(out, again);
			assert_int_equal(ov_vm_libvirt_remove(ctx, out, out_len, &back,
							      &back_len, &was),
					 0);
			assert_true(was);
			/* ...and that is the input without our earlier patch. */
			assert_int_equal(ov_vm_libvirt_remove(ctx, (const char *)in, len,
							      &restored, &restored_len,
							      &was),
					 0);
			assert_string_equal(back, restored);
			free(restored);
		}
		free(in);
		free(out);
		free(again);
		free(back);
	}
	ov_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(qemu_args_follow_the_recipe),
		cmocka_unit_test(proxmox_lines),
		cmocka_unit_test(hv_vendor_ids),
		cmocka_unit_test(quoting),
		cmocka_unit_test(libvirt_versions),
		cmocka_unit_test(round_trips_over_fixtures_and_versions),
		cmocka_unit_test(unusual_documents),
		cmocka_unit_test(refusals),
		cmocka_unit_test(ssdt_manifest),
		cmocka_unit_test(fuzz_regressions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
