// chai-as-promised is registered at run time by Hardhat's chai matchers; these are the
// parts of its assertion types our tests use.
declare global {
  namespace Chai {
    interface Assertion {
      rejectedWith(errorLike: abstract new (...args: never[]) => Error, message?: string | RegExp): PromiseLike<void>;
    }
  }
}

export {};
