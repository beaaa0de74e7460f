"""The seccomp filter every sandbox runs under: no new user namespace, no view of the mounts.

A user namespace would hand the student every capability inside it (mounts, a fresh /proc, raw
sockets in its own network namespace) and it is the door to most kernel exploits, so unshare and
clone with CLONE_NEWUSER fail with EPERM and setns always does. clone3 keeps its flags in memory
a filter cannot read: it fails with ENOSYS, and glibc falls back to clone. statmount and listmount
(Linux 6.8) fail with ENOSYS: like /proc/self/mountinfo, they show each bind mount's source path
on the host. A foreign architecture (32-bit x86 or ARM calls, x32's numbers) would dodge the
numbers below: it kills the process. Everything else is allowed. Classic BPF, assembled here, for
bubblewrap's --seccomp.
"""

from __future__ import annotations

import struct

# struct seccomp_data: nr (u32), arch (u32), instruction_pointer (u64), args (u64 each)
NR, ARCH, FLAGS = 0, 4, 16  # FLAGS: the low word of args[0], little-endian
AUDIT_ARCH_X86_64 = 0xC000003E
AUDIT_ARCH_AARCH64 = 0xC00000B7
X32_SYSCALL_BIT = 0x40000000
CLONE_NEWUSER = 0x10000000
EPERM, ENOSYS = 1, 38
KILL_PROCESS, ERRNO, ALLOW = 0x80000000, 0x00050000, 0x7FFF0000
LOAD, JEQ, JGE, JSET, RETURN = 0x20, 0x15, 0x35, 0x45, 0x06  # ld [k]; jmp ...; ret k

NEW_CALLS = {"clone3": 435, "statmount": 457, "listmount": 458}  # one number on every arch
SYSCALLS = {
    AUDIT_ARCH_X86_64: {"clone": 56, "unshare": 272, "setns": 308, **NEW_CALLS},
    AUDIT_ARCH_AARCH64: {"clone": 220, "unshare": 97, "setns": 268, **NEW_CALLS},
}
# What each call gets: "flags" checks args[0] for CLONE_NEWUSER.
ACTIONS = {"clone": "flags", "unshare": "flags", "setns": "eperm", "clone3": "enosys",
           "statmount": "enosys", "listmount": "enosys"}  # fmt: skip


def userns_filter() -> bytes:
    """The filter as bubblewrap reads it: an array of struct sock_filter."""
    return _assemble(_program())


def _program() -> list[tuple]:
    """The filter with symbolic jump targets: (label,) or (code, k, target-if-true)."""
    program: list[tuple] = [(LOAD, ARCH, None)]
    program += [(JEQ, arch, f"arch-{arch:x}") for arch in SYSCALLS]
    program += [(RETURN, KILL_PROCESS, None)]
    for arch, numbers in SYSCALLS.items():
        program += [(f"arch-{arch:x}",), (LOAD, NR, None)]
        if arch == AUDIT_ARCH_X86_64:
            program += [(JGE, X32_SYSCALL_BIT, "kill")]
        program += [(JEQ, numbers[name], ACTIONS[name]) for name in sorted(numbers)]
        program += [(RETURN, ALLOW, None)]
    program += [("flags",), (LOAD, FLAGS, None), (JSET, CLONE_NEWUSER, "eperm")]
    program += [(RETURN, ALLOW, None)]
    program += [("eperm",), (RETURN, ERRNO | EPERM, None)]
    program += [("enosys",), (RETURN, ERRNO | ENOSYS, None)]
    program += [("kill",), (RETURN, KILL_PROCESS, None)]
    return program


def _assemble(program: list[tuple]) -> bytes:
    """Resolve the labels into forward jump offsets (a false condition falls through)."""
    where, count = {}, 0
    for item in program:
        if len(item) == 1:
            where[item[0]] = count
        else:
            count += 1
    out: list[bytes] = []
    for item in program:
        if len(item) == 1:
            continue
        code, k, target = item
        jump = 0 if target is None else where[target] - len(out) - 1
        if not 0 <= jump <= 255:
            raise ValueError(f"jump to {target} out of range")
        out.append(struct.pack("=HBBI", code, jump, 0, k))
    return b"".join(out)
