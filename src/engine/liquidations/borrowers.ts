import { Contract, type EventLog, type Provider } from "ethers";
import type { Address } from "../../addressBook.js";

/**
 * The Pool's events that change a position, and which argument names the user whose position
 * it is (not the caller: a supply or borrow on someone's behalf changes theirs).
 */
const EVENTS: readonly [signature: string, user: string][] = [
  [
    "event Supply(address indexed reserve, address user, address indexed onBehalfOf, uint256 amount, uint16 indexed referralCode)",
    "onBehalfOf",
  ],
  ["event Withdraw(address indexed reserve, address indexed user, address indexed to, uint256 amount)", "user"],
  [
    "event Borrow(address indexed reserve, address user, address indexed onBehalfOf, uint256 amount, uint8 interestRateMode, uint256 borrowRate, uint16 indexed referralCode)",
    "onBehalfOf",
  ],
  [
    "event Repay(address indexed reserve, address indexed user, address indexed repayer, uint256 amount, bool useATokens)",
    "user",
  ],
  [
    "event LiquidationCall(address indexed collateralAsset, address indexed debtAsset, address indexed user, uint256 debtToCover, uint256 liquidatedCollateralAmount, address liquidator, bool receiveAToken)",
    "user",
  ],
  ["event ReserveUsedAsCollateralEnabled(address indexed reserve, address indexed user)", "user"],
  ["event ReserveUsedAsCollateralDisabled(address indexed reserve, address indexed user)", "user"],
  ["event SwapBorrowRateMode(address indexed reserve, address indexed user, uint8 interestRateMode)", "user"],
  ["event RebalanceStableBorrowRate(address indexed reserve, address indexed user)", "user"],
  ["event UserEModeSet(address indexed user, uint8 categoryId)", "user"],
];

/**
 * The users whose Aave V3 positions changed between blocks `from` and `to` (inclusive), read
 * from the Pool's events in pages of `pageBlocks` blocks (RPC providers cap a log query's
 * range): at start from the Pool's deployment for every borrower, then block by block for
 * those to read again. Each user once, in the order first seen.
 */
export async function changedPositions(
  provider: Provider,
  pool: Address,
  from: number,
  to: number,
  pageBlocks = 10_000,
): Promise<Address[]> {
  if (!(pageBlocks >= 1)) throw new RangeError(`pageBlocks must be at least 1, not ${pageBlocks}`);
  const contract = new Contract(
    pool,
    EVENTS.map(([signature]) => signature),
    provider,
  );
  const userField = new Map(EVENTS.map(([signature, user]) => [signature.split("(")[0]?.replace("event ", ""), user]));
  const topics = EVENTS.map(
    ([signature]) =>
      contract.interface.getEvent(signature.split("(")[0]?.replace("event ", "") as string)?.topicHash as string,
  );
  const seen = new Set<Address>();
  const users: Address[] = [];
  for (let start = from; start <= to; start += pageBlocks) {
    const end = Math.min(to, start + pageBlocks - 1);
    const logs = await contract.queryFilter([topics], start, end);
    for (const log of logs) {
      const event = log as EventLog;
      if (event.fragment === undefined) continue;
      const user = event.args.getValue(userField.get(event.fragment.name) as string) as Address;
      if (!seen.has(user)) {
        seen.add(user);
        users.push(user);
      }
    }
  }
  return users;
}
