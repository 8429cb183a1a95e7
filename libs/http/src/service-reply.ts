// The reply envelope lives with the verbs in libs/bus (a verb's definition names it); the API code imports it from here too.
export { ok, refuse, type ServiceReply, type ApiErrorBody, type ApiFieldError } from '#csms/bus';
