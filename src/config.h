/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Configuration files are mcr-nl batch files: one command per line, "#"
 * comments, and only "rule add" / "rule replace" commands (with the same
 * keyword abbreviations as mcr-nl). Loading never touches the running
 * table: it builds a separate one that rules_sync then applies.
 */
#ifndef MCRD_CONFIG_H
#define MCRD_CONFIG_H

#include <stddef.h>

#include "rules.h"

/*
 * Reads @path into the empty table @out (rules without ids). On any error
 * returns -errno and writes "PATH:LINE: sentence" (or "PATH: sentence" for
 * I/O errors) into @err; @out is then left empty. Duplicate inputs and
 * loops within the file are errors that name the line.
 */
int config_load(const char *path, struct rules *out, char *err, size_t errlen);

/* Same, from a string (for tests); @name stands for the path in messages. */
int config_load_string(const char *name, const char *text, struct rules *out,
		       char *err, size_t errlen);

#endif
