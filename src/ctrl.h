/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The emulated nlctrl (GENL_ID_CTRL): CTRL_CMD_GETFAMILY for the mcr
 * family, so clients resolve the family id and the "events" group by name.
 */
#ifndef MCRD_CTRL_H
#define MCRD_CTRL_H

#include "genl.h"

/* The op table of nlctrl, dispatched by genl.c like the mcr family's. */
extern const struct genl_family ctrl_family;

#endif
