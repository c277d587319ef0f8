# Shared by scripts/demo, scripts/test and scripts/bench: install what is missing, build.
# Source it from the repository root.

HUB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Debian 12 packages the project needs: build, tests, the spoke lab and benchmarks.
HUB_PACKAGES="meson ninja-build pkg-config gcc clang libclang-rt-14-dev
	libdpdk-dev dpdk libconfig-dev libipsec-mb-dev libcunit1-dev libpcap-dev
	tshark frr user-mode-linux python3-scapy iproute2 ethtool kmod procps psmisc
	python3 iputils-ping arping netcat-openbsd telnet tcpdump
	gnuplot-nox
	dpdk-doc python3-cryptography make
	iptables nftables"

hub_log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Install the packages that are missing (idempotent: nothing happens when all are there).
hub_install_deps() {
	local missing=() p
	for p in $HUB_PACKAGES; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "missing packages: ${missing[*]}; run as root to install them" >&2
		return 1
	fi
	hub_log "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null || return 1
	# tshark asks whether non-root users may capture; the default (no) is what we want.
	apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null || return 1
}

# Reserve 2 MiB hugepages for --in-memory runs (DESIGN.md §5). Returns 1 when fewer than 256
# are free (another hub may hold them); callers then use --no-huge.
hub_hugepages() {
	local want=${1:-512} have
	have=$(cat /proc/sys/vm/nr_hugepages 2>/dev/null || echo 0)
	if [ "$have" -lt "$want" ]; then
		echo "$want" > /proc/sys/vm/nr_hugepages 2>/dev/null || true
	fi
	[ "$(awk '/^HugePages_Free:/ {print $2}' /proc/meminfo 2>/dev/null || echo 0)" -ge 256 ]
}

# EAL memory arguments for integration runs: hugepages when we have them.
hub_eal_mem() {
	if hub_hugepages 512; then echo "--in-memory"; else echo "--no-huge -m 512"; fi
}

# Configure (once) and build into DIR (default build/).
hub_build() {
	local dir=${1:-$HUB_ROOT/build}; shift || true
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" "$HUB_ROOT" "$@" >/dev/null || return 1
	fi
	ninja -C "$dir" >/dev/null || { ninja -C "$dir"; return 1; }
}
