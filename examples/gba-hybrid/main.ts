/**
 * Synthesizes the GBA hybrid example: `npm run synth:hybrid [outdir]` writes
 * `cdktf.out/stacks/gba-hybrid-{cloud,site}/cdk.tf.json` without the cdktf CLI or a
 * terraform binary. Apply each stack with `terraform` from its folder.
 */
import { buildGbaHybrid } from './app';

const { app } = buildGbaHybrid({ outdir: process.argv[2] });
app.synth();
