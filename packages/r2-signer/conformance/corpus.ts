/**
 * The SigV4 conformance corpora of the team's shared folder (`../shared/conformance/sigv4`
 * beside the repository, as in CI; read by path, never copied into the repo): the S3
 * documentation's presigned-URL example, and the query-signing cases of the AWS CRT suite
 * (awslabs/aws-c-auth, tests/aws-signing-test-suite/v4, Apache-2.0).
 */
import s3Example from '../../../../shared/conformance/sigv4/s3-presigned-doc-example.json';

export { s3Example };

const root = '../../../../shared/conformance/sigv4/aws-c-auth-v4/';
const files = import.meta.glob<string>('../../../../shared/conformance/sigv4/aws-c-auth-v4/*/*', {
  query: '?raw',
  import: 'default',
  eager: true,
});

export type CrtCase = {
  name: string;
  context: {
    credentials: { access_key_id: string; secret_access_key: string; token?: string };
    expiration_in_seconds: number;
    normalize: boolean;
    region: string;
    service: string;
    timestamp: string;
  };
  request: { method: string; path: string; query: string; host: string; headers: string[] };
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
  signedRequest: string;
};

export const crtCases: CrtCase[] = [
  ...new Set(Object.keys(files).map((path) => path.slice(root.length).split('/')[0]!)),
].map((name) => {
  const file = (suffix: string) => {
    const text = files[`${root}${name}/${suffix}`];
    if (text === undefined) throw new Error(`corpus: ${name}/${suffix} missing`);
    return text;
  };
  const [requestLine = '', ...headerLines] = file('request.txt').split('\n');
  const target = requestLine.split(' ').slice(1, -1).join(' ');
  const question = target.indexOf('?');
  const headers = headerLines.filter((line) => line !== '');
  return {
    name,
    context: JSON.parse(file('context.json')),
    request: {
      method: requestLine.split(' ')[0]!,
      path: question === -1 ? target : target.slice(0, question),
      query: question === -1 ? '' : target.slice(question + 1),
      host: headers.find((line) => /^host:/i.test(line))!.slice(5),
      headers: headers.filter((line) => !/^host:/i.test(line)),
    },
    canonicalRequest: file('query-canonical-request.txt'),
    stringToSign: file('query-string-to-sign.txt'),
    signature: file('query-signature.txt').trim(),
    signedRequest: file('query-signed-request.txt'),
  };
});

// An absent corpus must fail loudly, not test nothing.
if (crtCases.length === 0)
  throw new Error(`SigV4 corpus not found at ${root} (is ../shared beside the repo?)`);
