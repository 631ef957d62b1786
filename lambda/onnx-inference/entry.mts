/**
 * The bundled Lambda entry point (an ES module, so that init can await the model).
 */
import { handler, ready } from './lambda.js';

await ready;

export { handler };
