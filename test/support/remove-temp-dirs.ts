/** Jest setup (setupFilesAfterEnv): every test file removes the temporary directories it made. */
import { removeTempDirs } from './temp-dir';

afterAll(removeTempDirs);
