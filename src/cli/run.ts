// Process entry of the CLI (bin/regatta.js loads the compiled copy of this file).
import { main } from './main.js';

process.exitCode = await main(process.argv);
