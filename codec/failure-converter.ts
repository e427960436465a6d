// Loaded by path (DataConverter.failureConverterPath) in the worker and bundled into the workflow
// code: failure messages and stack traces go into an encoded payload, which the codec encrypts,
// because messages can name a customer ("ap@… bounced"). Imports only @temporalio/common.
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
