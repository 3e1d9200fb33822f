import pkg from '../../package.json' with { type: 'json' };

/** The tool's version as published (package.json), printed in every report and evidence manifest. */
export const TOOL_VERSION: string = pkg.version;
