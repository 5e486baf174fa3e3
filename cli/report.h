/* cli/report.h — `owabi report`: an HTML page over the store (cli/html.h
 * makes its parts). */
#ifndef OW_CLI_REPORT_H
#define OW_CLI_REPORT_H

/* argv[0] is the subcommand name.  Returns the process exit status. */
int cmd_report(int argc, char **argv);

#endif
