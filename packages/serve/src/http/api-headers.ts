import helmet, { type HelmetOptions } from 'helmet';
import { recordHeaders, type HeaderList } from './fixed-headers.ts';

/**
 * helmet, configured for what this server answers: API responses (JSON, npy, PNG/WebP/GIF, metrics
 * text), never an HTML document of its own. The web sampler's pages and assets, when mounted, set
 * their own, stricter per-response policy (@ganforge/web, headers.ts), which replaces these.
 *
 * Kept, because they matter for a non-document response (the OWASP REST Security Cheat Sheet's list
 * for APIs, "Security Headers"):
 * - `X-Content-Type-Options: nosniff`: a browser never sniffs npy bytes or JSON as HTML or script.
 * - `Content-Security-Policy: default-src 'self';frame-ancestors 'none'`: a response opened as a
 *   page (a JSON error, an image URL) loads only from this server (helmet's default-src), and cannot
 *   be framed (clickjacking; the modern form of X-Frame-Options).
 * - `Cross-Origin-Resource-Policy: cross-origin`: the images are meant to be embedded by other pages
 *   (`<img src>`), so the resources are readable cross-origin.
 *
 * Left out, each only meaningful for an HTML document or a browser feature an API response never
 * reaches: Cross-Origin-Opener-Policy, Origin-Agent-Cluster, Referrer-Policy, X-DNS-Prefetch-Control,
 * X-Download-Options (Internet Explorer 8), X-Frame-Options (superseded by frame-ancestors),
 * X-Permitted-Cross-Domain-Policies (Flash and Acrobat policy files), X-XSS-Protection. And
 * Strict-Transport-Security, because this server speaks plain HTTP: RFC 6797 (HTTP Strict Transport
 * Security), section 7.2, says a host must not send it over a non-secure transport; the TLS proxy in
 * front of a deployment is the one to add it.
 *
 * Why it is worth choosing: every response carries these, and helmet's full default set (12 headers,
 * 700 bytes) was, next to a thirty-line server's five headers, a measurable share of a small
 * request's round trip (the client parses each one too).
 */
export const API_HELMET_OPTIONS: Readonly<HelmetOptions> = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: ["'self'"], frameAncestors: ["'none'"] },
  },
  crossOriginResourcePolicy: { policy: 'cross-origin' },
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  referrerPolicy: false,
  strictTransportSecurity: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xFrameOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
};

/** The security headers of every API response: helmet's, recorded once (fixed-headers.ts). */
export function apiSecurityHeaders(): HeaderList {
  return recordHeaders(helmet(API_HELMET_OPTIONS));
}
