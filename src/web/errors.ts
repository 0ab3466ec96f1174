/** Errors routes throw; app.ts turns them into a JSON or HTML answer. */
/** A client error with a status, a short title and a message that says what to do. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new HttpProblem(400, 'Bad request', message);
export const notFound = (message: string) => new HttpProblem(404, 'Not found', message);
