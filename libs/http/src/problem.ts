/** RFC 9457 problem details, as every Switchyard API answers errors. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code?: string;
  errors?: { path: string; message: string }[];
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problem(status: number, detail: string, extra: Partial<Problem> = {}): Problem {
  const slug = (extra.code ?? TITLES[status] ?? 'error').toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return {
    type: `https://switchyard.dev/problems/${slug}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    ...extra,
  };
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
