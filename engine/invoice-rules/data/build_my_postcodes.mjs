#!/usr/bin/env node
// Builds my_postcodes.txt, the Malaysian postcode gazetteer that
// `grace_invoice_rules::malaysia` reads.
//
// Source: the npm package `malaysia-postcodes` (version and tarball
// integrity pinned below; ISC license, copyright (c) 2020-2025 Asyraf
// Hussin, kept at the head of the output). The output has one line per
// post office town: `state|town|postcode postcode ...`.
//
// Run from this folder: node build_my_postcodes.mjs  (needs npm).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const PACKAGE = "malaysia-postcodes";
const VERSION = "3.0.0";
const INTEGRITY =
  "sha512-acz2qzL/Qlm1hG24f98jK8m3ig1W6Q1FicbknX6PTpy55HtSoJlm38Hb+QiBRp1ZxJT8hCcFVZsdQ66oMYBd5g==";
const HERE = dirname(fileURLToPath(import.meta.url));

const tmp = mkdtempSync(join(tmpdir(), "my-postcodes-"));
execFileSync("npm", ["pack", `${PACKAGE}@${VERSION}`], { cwd: tmp, stdio: "ignore" });
const tarball = join(tmp, `${PACKAGE}-${VERSION}.tgz`);
const digest = "sha512-" + createHash("sha512").update(readFileSync(tarball)).digest("base64");
if (digest !== INTEGRITY) {
  console.error(`${tarball}: integrity ${digest}, expected ${INTEGRITY}`);
  process.exit(1);
}
execFileSync("tar", ["xzf", tarball], { cwd: tmp });
const { allPostcodes } = await import(pathToFileURL(join(tmp, "package/dist/index.js")).href);

const lines = [
  `# Malaysian post office towns and their postcodes, from the npm package`,
  `# ${PACKAGE} ${VERSION} (ISC license, copyright (c) 2020-2025 Asyraf Hussin),`,
  `# written by build_my_postcodes.mjs. One town per line: state|town|postcodes.`,
];
for (const state of allPostcodes) {
  for (const town of state.city) {
    lines.push(`${state.name}|${town.name}|${town.postcode.join(" ")}`);
  }
}
writeFileSync(join(HERE, "my_postcodes.txt"), lines.join("\n") + "\n");
console.log(`my_postcodes.txt: ${lines.length - 3} towns`);
