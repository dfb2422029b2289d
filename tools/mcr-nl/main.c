// SPDX-License-Identifier: GPL-2.0-or-later
/* mcr-nl: the ip-style command line of mcrd (cli.h). */
#include <stdio.h>

#include "cli.h"

int main(int argc, char **argv)
{
	return cli_main(argc, argv, stdout, stderr);
}
