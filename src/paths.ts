// Where Carnet's own files are, whether it runs from src/ (tsx, the tests) or from the one-file
// build that bin/carnet.js makes for a fast start (.carnet/build/): the folder of package.json.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

function projectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "src", "db", "migrations"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no Carnet project above ${from}`);
  }
}

export const PROJECT_ROOT = projectRoot(import.meta.dirname);
