/**
 * vitest setup of every test file: this process connects out under the settings the
 * tests run with (vitest.config.ts allows loopback, where the tests' own servers listen),
 * read through config.ts as Junction reads them. Tests of the default policy set their own.
 */
import { configureOutbound } from '@junction/nodes/outbound';
import { loadConfig, outboundSettings } from '../config.ts';

configureOutbound(outboundSettings(loadConfig()));
