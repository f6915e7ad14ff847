// The files a config test pretends exist, for loadConfig's readFile: no test touches the disk.
import type { ReadFile } from "../../src/config/option-file.js";

/** Reads `files` (path to text); any other path is missing, as the disk would say. */
export function fakeFiles(files: Readonly<Record<string, string>> = {}): ReadFile {
  return (path) => {
    const text = files[path];
    return text === undefined
      ? Promise.reject(new Error(`ENOENT: no such file or directory, open '${path}'`))
      : Promise.resolve(text);
  };
}
