#!/bin/bash
# PID 1 of the spoke lab's user-mode-Linux kernel (see docs/lab.md).
#
# The root file system is the host's own root over hostfs, mounted READ-ONLY: nothing
# inside the lab can write to the host's /etc, /var, ... Every place a program writes to
# gets a private tmpfs. The per-run directory $LAB_DIR (a host directory under /tmp) is
# mounted read-write through hostfs at the same path, so paths are the same on both
# sides: the host drops command files into $LAB_DIR/ctl/NAME/, agents (uml-agent.sh) run
# them and write the results back; FRR's configuration and logs are in $LAB_DIR/SPOKE/.
#
# LAB_DIR and LAB_SRC (the copy of this directory in $LAB_DIR/src) come from the kernel
# command line: the kernel hands unknown NAME=value parameters to init as environment.
# Starting a process costs 60-200 ms here (4x that when the host is busy), so this script
# starts few: one mount -a over the fstab lab.sh wrote, one bind mount, one modprobe.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/ LANG=C LC_ALL=C
umask 022

halt() {
	echo "uml-init: power off: $*"
	echo o >/proc/sysrq-trigger
	exit 1
}

case "$LAB_DIR" in
/tmp/?*) ;;
*) echo "uml-init: LAB_DIR must be a directory under /tmp, got '$LAB_DIR'"; halt "bad LAB_DIR" ;;
esac
# proc, sysfs, devpts, tmpfs on /run /tmp /var/tmp /var/log /var/lib/frr /etc/frr /dev/shm,
# then $LAB_DIR over hostfs (mount reads the whole table before it covers /tmp).
# /dev is the kernel's devtmpfs, mounted automatically: not the host's /dev.
mount -a -T "$LAB_SRC/fstab" || echo "uml-init: mount -a reported errors"
[ -d "$LAB_DIR/ctl/uml" ] || halt "hostfs mount of $LAB_DIR failed"
exec >>"$LAB_DIR/uml-init.log" 2>&1
echo 1 >/proc/sys/kernel/sysrq
echo "uml-init: $EPOCHREALTIME mounts done"

# Kernel modules: the host has no /lib/modules (and / is read-only here), so modprobe -d
# gets a tmpfs tree whose lib/modules/VERSION is a bind mount of the UML package's
# modules; the kernel's own module autoloading uses the same (the wrapper is in src/).
read -r rel </proc/sys/kernel/osrelease
mount --bind -o X-mount.mkdir "/usr/lib/uml/modules/$rel" "/run/modroot/lib/modules/$rel" ||
	halt "no modules for $rel"
echo "$LAB_SRC/modprobe" >/proc/sys/kernel/modprobe
"$LAB_SRC/modprobe" -a ip_gre dummy || halt "modprobe ip_gre dummy failed"
echo "uml-init: $EPOCHREALTIME modules loaded (kernel $rel)"

# Quiet, predictable networking: no IPv6 (router solicitations, MLD, DAD), forwarding on.
# New namespaces (the spokes') inherit this: devconf_inherit_init_net=1.
echo 1 >/proc/sys/net/core/devconf_inherit_init_net
echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6
echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6
echo 1 >/proc/sys/net/ipv4/conf/all/forwarding
echo 1 >/proc/sys/net/ipv4/conf/default/forwarding
: >/etc/frr/vtysh.conf # vtysh complains on every call when it is missing

# The agent of the UML root namespace (spoke set-up runs there). When it ends, power off.
bash "$LAB_SRC/uml-agent.sh" uml
halt "agent ended"
