export { revokeOperator as default } from "./owner.js";
