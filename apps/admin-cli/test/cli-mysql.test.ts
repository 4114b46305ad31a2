import { cliSuite } from './cli-suite.js';
import { safetySuite } from './safety-suite.js';

cliSuite('mysql');
safetySuite('mysql');
