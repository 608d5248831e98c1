// SPDX-License-Identifier: GPL-2.0-or-later
/* hook install|uninstall: the libvirt qemu hook (liboptivfio/plan/hook.h). */
#include "cli.h"
#include "json-out.h"
#include "commands.h"
#include "core/bdf.h"
#include "core/ctx.h"
#include "plan/hook.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char hook_help[] =
	"Usage: optivfio [--root DIR] [--json] hook install --domain NAME [OPTIONS]\n"
	"       optivfio [--root DIR] [--json] hook uninstall\n"
	"\n"
	"  install     a libvirt qemu hook: 'optivfio host prepare' before the named\n"
	"              domains start, 'optivfio host release' after they stop\n"
	"  uninstall   remove optivfio's hook, nothing else\n"
	"\n"
	"'optivfio hook install --help' and 'optivfio hook uninstall --help' for each.\n";

static const char hook_install_help[] =
	"Usage: optivfio [--root DIR] [--json] hook install --domain NAME [--domain NAME...]\n"
	"                [--gpu BDF] [--state-dir DIR] [--libvirt-version X.Y]\n"
	"\n"
	"Install a libvirt qemu hook that runs 'optivfio host prepare' when one of the\n"
	"named domains is prepared (prepare/begin) and 'optivfio host release' after it\n"
	"is released (release/end). libvirt >= 6.5: /etc/libvirt/hooks/qemu.d/optivfio;\n"
	"older: /etc/libvirt/hooks/qemu. An existing hook that is not optivfio's is\n"
	"never replaced. libvirt reads its hooks when it starts: restart libvirtd.\n"
	"\n"
	"  --domain NAME            a domain whose GPU the hook hands over (repeat it)\n"
	"  --gpu BDF                the GPU (default: the discrete GPU found then)\n"
	"  --state-dir DIR          the journals' directory host prepare is given\n"
	"  --libvirt-version X.Y    the layout to write for (default: what libvirtd\n"
	"                           says it is; 6.5 under --root)\n";

static const char hook_uninstall_help[] =
	"Usage: optivfio [--root DIR] [--json] hook uninstall\n"
	"\n"
	"Remove optivfio's libvirt hook (recognised by its marker line) from\n"
	"/etc/libvirt/hooks/qemu.d/optivfio or /etc/libvirt/hooks/qemu; a hook that\n"
	"is not optivfio's is left alone and named.\n";

static bool parse_version(const char *s, int *major, int *minor)
{
	return sscanf(s, "%d.%d", major, minor) == 2 && *major >= 0 && *minor >= 0;
}

/* "libvirtd (libvirt) 9.0.0": the last word. */
static bool probe_version(int *major, int *minor)
{
	char line[256], *last;
	FILE *p = popen("libvirtd --version 2>/dev/null", "r");
	bool ok = false;

	if (!p)
		return false;
	if (fgets(line, sizeof(line), p)) {
		line[strcspn(line, "\n")] = '\0';
		last = strrchr(line, ' ');
		ok = parse_version(last ? last + 1 : line, major, minor);
	}
	pclose(p);
	return ok;
}

int cmd_hook(struct ov_cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
		{ "domain", required_argument, NULL, 'd' },
		{ "gpu", required_argument, NULL, 'g' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "libvirt-version", required_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	const char *domains[32];
	struct ov_hook_opts o = { .domains = domains, .libvirt_major = -1 };
	char self[PATH_MAX], done[PATH_MAX], foreign[512];
	struct ov_bdf bdf;
	const char *cmd;
	bool install;
	ssize_t n;
	int c;

	if (argc < 2 || (strcmp(argv[1], "install") && strcmp(argv[1], "uninstall"))) {
		static const char *const actions[] = { "install", "uninstall" };
		const char *best = argc < 2 ? NULL : ov_cli_suggest(argv[1], actions, 2);

		if (ov_cli_wants_help(argc, argv)) {
			fputs(hook_help, stdout);
			return OV_EXIT_OK;
		}
		if (best)
			return ov_cli_usage_error("hook ", "hook %s: unknown action; did you mean "
						  "'%s'?", argv[1], best);
		return ov_cli_usage_error("hook ", "hook: say install or uninstall");
	}
	install = strcmp(argv[1], "install") == 0;
	cmd = install ? "hook install " : "hook uninstall ";
	if (ov_cli_wants_help(argc, argv)) {
		fputs(install ? hook_install_help : hook_uninstall_help, stdout);
		return OV_EXIT_OK;
	}
	optind = 0;
	opterr = 0;	/* ov_cli_option_error() says it, with a suggestion */
	while ((c = getopt_long(argc - 1, argv + 1, ":h", options, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (o.n_domains == sizeof(domains) / sizeof(domains[0]))
				return ov_cli_usage_error(cmd, "too many --domain");
			domains[o.n_domains++] = optarg;
			break;
		case 'g':
			if (ov_cli_parse_bdf(cmd, "--gpu", optarg, &bdf))
				return OV_EXIT_USAGE;
			o.gpu = optarg;
			break;
		case 's':
			o.state_dir = optarg;
			break;
		case 'V':
			if (!parse_version(optarg, &o.libvirt_major, &o.libvirt_minor))
				return ov_cli_usage_error(cmd, "--libvirt-version %s: want X.Y",
							  optarg);
			break;
		default:
			return ov_cli_option_error(cmd, c, argv + 1, options);
		}
	}
	if (optind < argc - 1)
		return ov_cli_usage_error(cmd, "unexpected argument '%s'",
					  argv[optind + 1]);

	if (!install) {
		size_t removed;

		if (o.n_domains || o.gpu || o.state_dir || o.libvirt_major >= 0)
			return ov_cli_usage_error(cmd, "hook uninstall takes no options");
		if (ov_hook_uninstall(cli->ctx, &removed, foreign, sizeof(foreign)) < 0)
			return ov_cli_error_ctx(cli, "hook uninstall");
		if (cli->json) {
			struct json_object *root = json_object_new_object();

			json_add_string(root, "action", "uninstall");
			json_object_object_add(root, "removed",
					       json_object_new_int64((int64_t)removed));
			json_add_string_or_null(root, "left_alone", foreign);
			return json_print(root) ? OV_EXIT_FAILURE : OV_EXIT_OK;
		}
		printf("Removed optivfio's hook (%zu file%s).%s%s\n", removed,
		       removed == 1 ? "" : "s", *foreign ? " Left alone (not ours): " : "",
		       foreign);
		return OV_EXIT_OK;
	}

	if (!o.n_domains)
		return ov_cli_usage_error(cmd, "hook install: name the domains with --domain");
	if (o.libvirt_major < 0 && (*ov_ctx_root(cli->ctx) ||
				    !probe_version(&o.libvirt_major, &o.libvirt_minor))) {
		o.libvirt_major = 6;
		o.libvirt_minor = 5;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return ov_cli_error("hook install: cannot find the optivfio binary");
	self[n] = '\0';
	o.optivfio = self;
	if (ov_hook_install(cli->ctx, &o, done, sizeof(done)) < 0) {
		ov_cli_error_ctx(cli, "hook install");
		ov_cli_hint(cli, "'optivfio hook uninstall' removes only optivfio's own hook");
		return OV_EXIT_FAILURE;
	}
	if (cli->json) {
		struct json_object *root = json_object_new_object(), *arr = json_object_new_array();

		json_add_string(root, "action", "install");
		json_add_string(root, "hook", done);
		json_add_string(root, "layout", ov_hook_uses_qemu_d(o.libvirt_major,
								    o.libvirt_minor) ?
				"qemu.d" : "qemu");
		for (size_t i = 0; i < o.n_domains; i++)
			json_object_array_add(arr, json_object_new_string(domains[i]));
		json_object_object_add(root, "domains", arr);
		return json_print(root) ? OV_EXIT_FAILURE : OV_EXIT_OK;
	}
	printf("Installed %s (libvirt %s 6.5 layout) for:", done,
	       ov_hook_uses_qemu_d(o.libvirt_major, o.libvirt_minor) ? ">=" : "<");
	for (size_t i = 0; i < o.n_domains; i++)
		printf(" %s", domains[i]);
	printf("\nlibvirt reads its hooks when it starts: restart libvirtd.\n");
	return OV_EXIT_OK;
}
