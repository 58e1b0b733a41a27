// Paths on the Docker host that the program and the policy pack both name.

/**
 * Host directory of the textfile-collector files: the backup container writes them, node-exporter
 * (which sees the host's / at /host) reads them.
 */
export const TEXTFILE_HOST_DIR = "/var/lib/minimarket/textfile";
