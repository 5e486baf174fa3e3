/* cli/ingest.h — `owabi ingest` and `owabi export` (argument parsing,
 * messages, exit statuses; the work is in ingest/ and store/). */
#ifndef OW_CLI_INGEST_H
#define OW_CLI_INGEST_H

/* argv[0] is the subcommand name.  Return the process exit status. */
int cmd_ingest(int argc, char **argv);
int cmd_export(int argc, char **argv);

#endif
