# shellcheck shell=sh
# Helpers for scenario scripts (sourced by them inside the guest).

# result KEY VALUE: one result line for the host side.
result() { echo "@@LAB $1=$2"; }

# uptime_s: seconds since boot with centiseconds (from /proc/uptime).
uptime_s() { cut -d' ' -f1 /proc/uptime; }

# elapsed T0 T1: T1 - T0 in seconds with 2 decimals (busybox awk).
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# acpi_call CMD: one round trip through /proc/acpi/call (reply on stdout,
# the trailing NUL removed).
acpi_call() {
	printf '%s' "$1" >/proc/acpi/call
	tr -d '\000' </proc/acpi/call
}

# gpu_acpi_path [BDF]: the ACPI path Linux bound to the device.
gpu_acpi_path() {
	cat "/sys/bus/pci/devices/${1:-0000:01:00.0}/firmware_node/path" 2>/dev/null
}
