// Objects of another cdk8s-plus major (an app made by `cdk8s init` uses a newer one) look like ours but are other
// classes: `instanceof` fails and their methods may render differently. jsii stamps every class it compiles with its
// fully qualified name under the symbol `jsii.rtti` (e.g. `cdk8s-plus-33.DeploymentStrategy`), which tells where an
// object comes from without relying on file paths or constructor names.
import * as kplus from 'cdk8s-plus-27';
import { PropChecker } from './prop-checker';

const JSII_RTTI = Symbol.for('jsii.rtti');
const CDK8S_PLUS_PACKAGE = /^cdk8s-plus-\d+$/;

/** The cdk8s-plus package this library is built on, as jsii names it. */
export const OUR_CDK8S_PLUS = jsiiClassOf(kplus.Deployment.prototype)!.packageName;
const OUR_CDK8S_PLUS_COPY = `another copy of ${OUR_CDK8S_PLUS}`;

/**
 * Where an object of a cdk8s-plus class that is not ours comes from: `cdk8s-plus-33`, or `another copy of
 * cdk8s-plus-27` when two installs of our own major exist. Undefined for our objects and for anything else.
 */
export function otherCdk8sPlusOrigin(value: unknown): string | undefined {
  const jsiiClass = jsiiClassOf(value);
  if (jsiiClass === undefined || !CDK8S_PLUS_PACKAGE.test(jsiiClass.packageName)) return undefined;
  if (jsiiClass.packageName !== OUR_CDK8S_PLUS) return jsiiClass.packageName;
  // Two installs of our own major (e.g. two versions in nested node_modules) also fail `instanceof`.
  const ours = (kplus as unknown as Record<string, unknown>)[jsiiClass.className];
  return typeof ours === 'function' && !(value instanceof ours) ? OUR_CDK8S_PLUS_COPY : undefined;
}

/**
 * Throws our prop error when `value` is an object of another cdk8s-plus: it names the package the object came from,
 * the one this library takes, and `remedy` (the plain alternative, or how to build the object from our package).
 */
export function refuseOtherCdk8sPlus(check: PropChecker, prop: string, value: unknown, remedy: string): void {
  const origin = otherCdk8sPlusOrigin(value);
  if (origin === undefined) return;
  const className = jsiiClassOf(value)!.className;
  const why = origin === OUR_CDK8S_PLUS_COPY
    ? `two copies of ${OUR_CDK8S_PLUS} are installed and their classes differ (npm ls ${OUR_CDK8S_PLUS} shows them; `
      + 'npm dedupe, or one version range for both, leaves one)'
    : `this library is built on ${OUR_CDK8S_PLUS} and cannot use objects of another cdk8s-plus (an app on a newer one `
      + `installs ${OUR_CDK8S_PLUS} next to it: npm install ${OUR_CDK8S_PLUS})`;
  throw check.fail(prop, `a ${className} from ${origin}`, `${why}; ${remedy}`);
}

/** The package and class name jsii recorded for the nearest jsii class in the object's prototype chain. */
function jsiiClassOf(value: unknown): { packageName: string; className: string } | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  for (let proto = Object.getPrototypeOf(value); proto !== null && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    const fqn = (proto.constructor as { [JSII_RTTI]?: { fqn?: unknown } } | undefined)?.[JSII_RTTI]?.fqn;
    if (typeof fqn === 'string' && fqn.includes('.')) {
      const dot = fqn.indexOf('.');
      return { packageName: fqn.slice(0, dot), className: fqn.slice(fqn.lastIndexOf('.') + 1) };
    }
  }
  return undefined;
}
