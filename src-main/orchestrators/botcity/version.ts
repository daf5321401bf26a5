import { BotCityError } from './errors.js';
import { parseJson, type HttpClient } from './http.js';
import { versionSchema } from './schemas.js';

const PATH = '/api/v2/maestro/version';

/** The server's version (no login needed): the first check of "is this a Maestro server at all". */
export async function getVersion(http: HttpClient): Promise<string> {
  const response = await http.send({ method: 'GET', path: PATH });
  if (response.status !== 200)
    throw new BotCityError(
      'http',
      `GET ${PATH}: unexpected HTTP ${response.status} (is this a BotCity Maestro server?)`,
      { status: response.status },
    );
  return parseJson(response, versionSchema, `GET ${PATH}`).version;
}
