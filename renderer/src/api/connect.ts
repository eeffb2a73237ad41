import { createApiClient, type ApiClient } from "../../../electron/common/api/client";
import { ApiError } from "../../../electron/common/api/define";
import { ipcTransport, takeTokenFromLocation, webSocketTransport } from "./transports";

/** Connects to the back end over whichever transport this window has. */
export async function connect(): Promise<ApiClient> {
  if (window.draftline) return createApiClient(ipcTransport(window.draftline));
  const token = takeTokenFromLocation();
  if (!token) throw new ApiError("disconnected", "This page has no access token. Open the address that `draftline serve` printed.");
  return createApiClient(await webSocketTransport(token));
}
