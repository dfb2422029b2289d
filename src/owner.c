// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The owner of a USERSOCK port (owner.h). ss(8) shows the port but not the
 * process, so this does what lsof would: match the socket inode against
 * every process's descriptors.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "owner.h"

#define OWNER_NETLINK_USERSOCK 2

/* The inode of the USERSOCK socket bound to @port, or 0. */
static unsigned long port_inode(uint32_t port)
{
	FILE *f = fopen("/proc/net/netlink", "re");
	unsigned long inode = 0, ino;
	char line[256];
	unsigned int pid;
	int eth;

	if (!f)
		return 0;
	while (!inode && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*s %d %u %*s %*s %*s %*s %*s %*s %lu", &eth, &pid, &ino) != 3)
			continue;
		if (eth == OWNER_NETLINK_USERSOCK && pid == port)
			inode = ino;
	}
	fclose(f);
	return inode;
}

static bool has_socket(int pid, const char *want)
{
	char path[64], link[64];
	struct dirent *e;
	bool found = false;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	dir = opendir(path);
	if (!dir)
		return false;
	while (!found && (e = readdir(dir))) {
		ssize_t n = readlinkat(dirfd(dir), e->d_name, link, sizeof(link) - 1);

		if (n <= 0)
			continue;
		link[n] = '\0';
		found = strcmp(link, want) == 0;
	}
	closedir(dir);
	return found;
}

/* The lowest pid with socket @inode open (forks share it), or 0. */
static int inode_pid(unsigned long inode)
{
	char want[48];
	struct dirent *e;
	int best = 0;
	DIR *proc = opendir("/proc");

	if (!proc)
		return 0;
	snprintf(want, sizeof(want), "socket:[%lu]", inode);
	while ((e = readdir(proc))) {
		int pid;

		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		pid = atoi(e->d_name);
		if ((!best || pid < best) && has_socket(pid, want))
			best = pid;
	}
	closedir(proc);
	return best;
}

static long pid_uid(int pid)
{
	char path[64], line[256];
	unsigned long uid;
	long ret = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (ret < 0 && fgets(line, sizeof(line), f))
		if (sscanf(line, "Uid: %lu", &uid) == 1)
			ret = (long)uid;
	fclose(f);
	return ret;
}

/* The command line with NULs as blanks; "[comm]" for kernel threads. */
static void pid_cmdline(int pid, char *buf, size_t len)
{
	char path[64];
	ssize_t n = 0;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, len - 1);
		close(fd);
	}
	if (n < 0)
		n = 0;
	buf[n] = '\0';
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] == '\0' || buf[i] == '\n')
			buf[i] = ' ';
	while (n > 0 && buf[n - 1] == ' ')
		buf[--n] = '\0';
	if (!n)
		snprintf(buf, len, "(command line unknown)");
}

int owner_describe(uint32_t port, char *buf, size_t len)
{
	unsigned long inode = port_inode(port);
	char cmd[256];
	int pid;

	if (!inode) {
		snprintf(buf, len,
			 "port 0x%08x is held by a socket /proc/net/netlink does not list", port);
		return -ENOENT;
	}
	pid = inode_pid(inode);
	if (!pid) {
		snprintf(buf, len,
			 "port 0x%08x is held by socket inode %lu of a process not visible here",
			 port, inode);
		return -ESRCH;
	}
	pid_cmdline(pid, cmd, sizeof(cmd));
	snprintf(buf, len, "port 0x%08x is held by pid %d (uid %ld): %s", port, pid, pid_uid(pid),
		 cmd);
	return pid;
}

/* The holder of the first raw socket of @protocol not in this process, else
 * of the first in it: a daemon may hold more than one raw socket, and a
 * clash with another process is the likelier story. */
static int raw_pid(unsigned int protocol, int *found)
{
	FILE *f = fopen("/proc/net/raw", "re");
	int best = 0, self = getpid(), pid;
	unsigned long inode;
	unsigned int proto;
	char line[256];

	*found = 0;
	if (!f)
		return 0;
	while ((!best || best == self) && fgets(line, sizeof(line), f)) {
		/* the local "port" of a raw socket is its protocol */
		int n = sscanf(line, "%*s %*x:%x %*s %*s %*s %*s %*s %*s %*s %lu", &proto, &inode);

		if (n != 2 || proto != protocol)
			continue;
		(*found)++;
		pid = inode_pid(inode);
		if (pid && (!best || pid != self))
			best = pid;
	}
	fclose(f);
	return best;
}

int owner_raw(unsigned int protocol, char *buf, size_t len)
{
	char cmd[256];
	int found, pid = raw_pid(protocol, &found);

	if (!found) {
		snprintf(buf, len, "no raw socket of protocol %u is listed in /proc/net/raw",
			 protocol);
		return -ENOENT;
	}
	if (!pid) {
		snprintf(buf, len, "its raw socket belongs to a process not visible here");
		return -ESRCH;
	}
	pid_cmdline(pid, cmd, sizeof(cmd));
	snprintf(buf, len, "pid %d (%s)", pid, cmd);
	return pid;
}
