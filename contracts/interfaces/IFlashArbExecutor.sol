// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IFlashArbExecutor
/// @notice The public contract of the flash-loan arbitrage executor: borrow one token with a
///         flash loan, run an atomic swap route that starts and ends in that token (or liquidate
///         an Aave V3 position with it and swap the collateral back), repay, and revert unless the
///         profit measured from balances clears the caller's floor.
/// @dev Route encoding (packed, read hop after hop; a hop's input token is the previous hop's
///      output, the first hop's is the loan token, and the last hop must output the loan token):
///
///      | kind (1) | body                                                                  |
///      | 0 V2     | factoryIndex (1) · tokenOut (20) · feePips (3) · minOut (16)  = 41 bytes |
///      | 1 V3     | tokenOut (20) · fee (3) · minOut (16)                         = 40 bytes |
///      | 2 BAL    | poolId (32) · tokenOut (20) · minOut (16)                     = 69 bytes |
///      | 3 CURVE  | pool (20) · tokenOut (20) · i (1) · j (1) · minOut (16)       = 59 bytes |
///      | 4 V4     | tokenOut (20) · fee (3) · tickSpacing (3) · minOut (16)       = 43 bytes |
///
///      V2 pairs and V3 pools are not named in the route: the executor derives them with CREATE2
///      from the factories it was deployed to trust, so a route cannot point it at a fake pool.
///      Balancer swaps go through the trusted Vault; Curve pools must be allowlisted by the owner.
///      V4 swaps go through the trusted PoolManager, in pools without hooks only (the key's hooks
///      is always zero), between ERC-20 tokens (not the native currency).
interface IFlashArbExecutor {
    // ------------------------------------------------------------------ types

    /// @notice Where the loan comes from.
    enum Lender {
        /// Aave V3 `flashLoanSimple`; the premium is read from the Pool by the Pool itself.
        AaveV3,
        /// Balancer V2 Vault `flashLoan`; no fee today, and the loan is pushed back.
        BalancerV2,
        /// A Uniswap V3 pool's `flash`; the fee is the pool's tier.
        UniswapV3,
        /// Morpho Blue's `flashLoan`: no fee; the loan is pulled back with `transferFrom`.
        MorphoBlue,
        /// Uniswap V4's PoolManager: `take` inside `unlock`, then settle; no fee.
        UniswapV4
    }

    /// @notice The kinds of hop a route can contain.
    enum HopKind {
        UniswapV2,
        UniswapV3,
        BalancerV2,
        Curve,
        /// A pool without hooks inside the trusted Uniswap V4 PoolManager.
        UniswapV4
    }

    /// @notice One decoded hop of a route.
    struct Hop {
        HopKind kind;
        /// V2: the trusted factory's index. Otherwise zero.
        uint8 factoryIndex;
        /// V2: the fee in millionths (3000 = 0.3%). V3: the pool's fee tier. V4: the pool's LP fee.
        ///      Otherwise zero.
        uint24 fee;
        /// V4: the pool's tick spacing. Otherwise zero.
        int24 tickSpacing;
        /// Curve: the pool. Otherwise zero (V2 and V3 pools are derived, Balancer's is in the id).
        address pool;
        /// Balancer: the pool id. Otherwise zero.
        bytes32 poolId;
        address tokenIn;
        address tokenOut;
        /// Curve: the coin indices. Otherwise zero.
        int8 i;
        int8 j;
        /// The least this hop may pay out; zero for no minimum.
        uint128 minAmountOut;
    }

    /// @notice The loan to take.
    struct Loan {
        Lender lender;
        /// The token borrowed; the route starts and ends in it and profit is counted in it.
        address token;
        uint256 amount;
        /// Uniswap V3 lender only: the pool's other token and its fee tier, from which the
        /// lending pool is derived. Zero for other lenders.
        address pairToken;
        uint24 poolFee;
    }

    /// @notice The Aave V3 position a `liquidate` call repays, and the collateral it takes.
    struct Liquidation {
        /// The reserve whose collateral is seized; the route starts in it.
        address collateralAsset;
        /// The borrower whose health factor is below one.
        address user;
        /// The most debt to repay, in the loan token (the debt asset). The Pool repays less when
        /// its close factor or the user's debt allows less; what it does not take stays in the
        /// loan token's balance and counts toward repayment.
        uint256 debtToCover;
    }

    // ------------------------------------------------------------------ errors

    /// @notice The caller is not an operator.
    error NotOperator(address caller);
    /// @notice Execution is paused by the owner.
    error ExecutionPaused();
    /// @notice An execution is already under way (re-entry).
    error ExecutionInProgress();
    /// @notice A callback came from an address other than the lender or pool this contract called.
    error UnexpectedCallback(address caller, address expected);
    /// @notice An Aave callback named an initiator other than this contract.
    error UnexpectedInitiator(address initiator);
    /// @notice A loan callback arrived that does not match the loan this contract started (or none is under way).
    error UnknownLoan(bytes32 expected, bytes32 actual);
    /// @notice The route's bytes end in the middle of a hop, or hold no hop.
    error MalformedRoute(uint256 offset, uint256 length);
    /// @notice A hop has a kind this contract does not know.
    error UnknownHopKind(uint256 hopIndex, uint8 kind);
    /// @notice A V2 hop names a factory index this contract was not deployed with.
    error UnknownV2Factory(uint256 hopIndex, uint8 factoryIndex, uint256 factoryCount);
    /// @notice A V2 hop's fee is not below 100%.
    error InvalidV2Fee(uint256 hopIndex, uint24 feePips);
    /// @notice The route's last hop does not return to the loan token (for `liquidate`: the
    ///         route does not end in the loan token, or is empty while the collateral is another token).
    error RouteDoesNotCloseLoop(address expected, address actual);
    /// @notice A liquidation whose collateral is the debt asset has nothing to swap: its route must be empty.
    error RouteForCollateralInDebtAsset(uint256 routeLength);
    /// @notice `liquidate` was called on an executor deployed without an Aave V3 Pool.
    error LiquidationPoolNotConfigured();
    /// @notice A route swaps through Balancer while borrowing from the Balancer Vault, whose reentrancy lock is held.
    error BalancerHopDuringBalancerLoan(uint256 hopIndex);
    /// @notice A route swaps through the Uniswap V3 pool it borrows from, which is locked during its own flash.
    error RouteUsesLoanPool(uint256 hopIndex, address pool);
    /// @notice A Uniswap V3 loan names the loan token as the lending pool's other token too.
    error PairTokenIsLoanToken(address token);
    /// @notice The lender returned without calling the executor back: nothing was run or measured.
    error LenderDidNotCallBack(Lender lender);
    /// @notice A Curve hop names a pool the owner has not allowed.
    error CurvePoolNotAllowed(uint256 hopIndex, address pool);
    /// @notice A hop paid out less than its minimum.
    error HopOutputTooLow(uint256 hopIndex, uint256 minimum, uint256 actual);
    /// @notice After the route, the contract holds less than it owes the lender.
    error RepaymentShortfall(uint256 owed, uint256 available);
    /// @notice The route's profit, measured from balances, is below the caller's floor.
    error InsufficientProfit(uint256 required, uint256 actual);
    /// @notice The chosen lender was not configured at deployment (its address is zero).
    error LenderNotConfigured(Lender lender);
    /// @notice A route's hop goes through a venue this executor was deployed without.
    error VenueNotConfigured(uint256 hopIndex, HopKind kind);
    /// @notice An address that must be set is zero.
    error ZeroAddress();
    /// @notice More V2 factories were given than the contract can hold.
    error TooManyV2Factories(uint256 given, uint256 max);
    /// @notice Ownership cannot be renounced: an executor without an owner would strand every
    ///         token it holds while its operators kept trading.
    error RenounceOwnershipDisabled();
    /// @notice Sending ETH failed.
    error EthTransferFailed(address to, uint256 amount);
    /// @notice A bid above 100% of the profit over the floor (10,000 basis points).
    error BidTooHigh(uint256 bidBps, uint256 maxBps);
    /// @notice Unwrapping the bid from the loan token brought in other than the bid in ETH: the
    ///         loan token is not WETH (or does not unwrap one for one).
    error BidUnwrapMismatch(address token, uint256 expected, uint256 actual);

    // ------------------------------------------------------------------ events

    /// @notice One arbitrage completed: `amount` of `token` borrowed from `lender`, `fee` paid
    ///         to it, and `profit` of `token` left over, measured from balances.
    event ArbitrageExecuted(Lender indexed lender, address indexed token, uint256 amount, uint256 fee, uint256 profit);
    /// @notice One liquidation completed: `amount` of `debtAsset` borrowed from `lender`, `fee`
    ///         paid to it, `user`'s debt repaid on Aave V3 for `collateralAsset`, the collateral
    ///         swapped back, and `profit` of `debtAsset` left over, measured from balances. The
    ///         Pool's own `LiquidationCall` event in the same receipt says how much debt was
    ///         repaid and how much collateral was seized.
    event LiquidationExecuted(
        Lender indexed lender,
        address indexed debtAsset,
        address indexed collateralAsset,
        address user,
        uint256 amount,
        uint256 fee,
        uint256 profit
    );
    /// @notice `amount` of ETH, the bid on an `executeWithBidToBuilder` trade's profit, was paid to the
    ///         block's `coinbase`. The trade's `ArbitrageExecuted` profit includes it: the profit
    ///         receiver got that profit less `amount`.
    event CoinbasePaid(address indexed coinbase, uint256 amount);
    /// @notice `account` was made an operator (`allowed`) or stopped being one.
    event OperatorSet(address indexed account, bool allowed);
    /// @notice Profit now goes to `receiver` (zero: it stays in the contract).
    event ProfitReceiverSet(address indexed previous, address indexed receiver);
    /// @notice Execution was paused (`paused`) or resumed by the owner.
    event PausedSet(bool paused);
    /// @notice A Curve pool was allowed or disallowed.
    event CurvePoolSet(address indexed pool, bool allowed);
    /// @notice The owner withdrew `amount` of `token` (zero address: ETH) to `to`.
    event Withdrawn(address indexed token, address indexed to, uint256 amount);
    /// @notice The owner swept `amount` of `token`, everything above `kept`, to `to`.
    event Swept(address indexed token, address indexed to, uint256 amount, uint256 kept);

    // ------------------------------------------------------------------ operator

    /// @notice Borrows `loan`, runs `route`, repays, and keeps (or sends to the profit
    ///         receiver) what is left. Reverts unless the loan token's balance grew by at least
    ///         `minProfit` beyond the repayment.
    /// @dev Operators only; not while paused. Reverts with the errors above on any bad input.
    /// @param loan The lender, token and amount to borrow.
    /// @param minProfit The least profit, in the loan token's base units, that makes the trade worth it.
    /// @param route The packed hops (see the encoding above).
    /// @return profit The profit measured from balances.
    function execute(Loan calldata loan, uint256 minProfit, bytes calldata route) external returns (uint256 profit);

    /// @notice `execute`, then pays the block's builder (`block.coinbase`) a bid out of the
    ///         profit above the floor: `(profit - minProfit) * bidBps / 10_000` of the loan token,
    ///         unwrapped to ETH. The rest of the profit, never less than `minProfit`, is kept or
    ///         sent to the profit receiver as `execute` does; a profit at the floor pays no bid.
    /// @dev Operators only; not while paused; the same lenders, route rules and lock as `execute`.
    ///      The loan token must be the chain's WETH whenever the bid is not zero: the bid is
    ///      unwrapped with `withdraw(uint256)` and the ETH that arrived is measured from the
    ///      executor's balance, so ETH it already held is never paid out. A zero bid (`bidBps`
    ///      zero, or no profit above the floor) calls neither the token nor the coinbase.
    ///      Reverts with `BidTooHigh` when `bidBps` exceeds 10,000, `BidUnwrapMismatch` when the
    ///      unwrap brings in other than the bid, `EthTransferFailed` when the coinbase refuses it,
    ///      and otherwise as `execute`.
    /// @param loan The lender, token and amount to borrow.
    /// @param minProfit The least profit the trade must make, and the least the profit receiver
    ///        gets; the bid comes only out of what is above it.
    /// @param route The packed hops (see the encoding above).
    /// @param bidBps The share of the profit above `minProfit` paid to the coinbase, in basis points.
    /// @return profit The profit measured from balances less the bid: what the profit receiver
    ///         got (or the executor kept).
    function executeWithBidToBuilder(Loan calldata loan, uint256 minProfit, bytes calldata route, uint16 bidBps)
        external
        returns (uint256 profit);

    /// @notice Borrows `loan` (the debt asset), liquidates `liquidation.user` on the Aave V3
    ///         Pool fixed at deployment, swaps the seized collateral back through `route`, repays,
    ///         and keeps (or sends to the profit receiver) what is left. Reverts unless the loan
    ///         token's balance grew by at least `minProfit` beyond the repayment.
    /// @dev Operators only; not while paused; the same lenders, callback binding and route rules
    ///      as `execute`, except that the route starts in the collateral, and is empty exactly when
    ///      the collateral is the debt asset. Only the collateral the Pool sent (measured from
    ///      balances) is swapped: what the executor already held is never spent. `debtToCover`
    ///      may exceed what the Pool takes (`type(uint256).max` for the whole debt as it stands
    ///      when mined): the loan must then cover what it does take, and no allowance is left.
    /// @param loan The lender, debt asset and amount to borrow.
    /// @param liquidation The collateral, the borrower and the most debt to repay.
    /// @param minProfit The least profit, in the debt asset's base units.
    /// @param route The packed hops from the collateral back to the debt asset.
    /// @return profit The profit measured from balances.
    function liquidate(Loan calldata loan, Liquidation calldata liquidation, uint256 minProfit, bytes calldata route)
        external
        returns (uint256 profit);

    // ------------------------------------------------------------------ owner

    /// @notice Makes `account` an operator (`allowed`) or removes it. Owner only.
    function setOperator(address account, bool allowed) external;

    /// @notice Sends future profit to `receiver`; zero keeps profit in the contract. Owner only.
    function setProfitReceiver(address receiver) external;

    /// @notice Allows or disallows a Curve pool in routes. Owner only.
    function setCurvePool(address pool, bool allowed) external;

    /// @notice Stops `execute`. Withdrawals and configuration still work. Owner only.
    function pause() external;

    /// @notice Lets `execute` run again. Owner only.
    function unpause() external;

    /// @notice Sends `amount` of `token` to the owner. Works while paused. Owner only.
    function withdrawToken(address token, uint256 amount) external;

    /// @notice Sends `amount` of ETH to the owner. Works while paused. Owner only.
    function withdrawETH(uint256 amount) external;

    /// @notice Sends the executor's balance of `token` above `keep` to the profit receiver (the
    ///         owner when none is set); nothing when the balance is at or below `keep`. Owner only.
    /// @return swept The amount sent.
    function sweep(address token, uint256 keep) external returns (uint256 swept);

    // ------------------------------------------------------------------ views

    /// @notice Whether `account` may call `execute`.
    function isOperator(address account) external view returns (bool);

    /// @notice Where profit goes; zero when it stays in the contract.
    function profitReceiver() external view returns (address);

    /// @notice Whether execution is paused.
    function paused() external view returns (bool);

    /// @notice Whether `pool` may be used by Curve hops.
    function isCurvePool(address pool) external view returns (bool);

    /// @notice The trusted Uniswap V2-style factory at `index` and its pair init code hash.
    function v2Factory(uint256 index) external view returns (address factory, bytes32 initCodeHash);

    /// @notice How many V2-style factories this executor trusts.
    function v2FactoryCount() external view returns (uint256);

    /// @notice Decodes a packed route starting in `loanToken`, as `execute` would read it.
    function decodeRoute(address loanToken, bytes calldata route) external view returns (Hop[] memory hops);
}
