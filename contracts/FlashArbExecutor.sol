// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IFlashArbExecutor} from "./interfaces/IFlashArbExecutor.sol";
import {PoolAddress} from "./libraries/PoolAddress.sol";
import {RouteCodec} from "./libraries/RouteCodec.sol";
import {SelfBalance} from "./libraries/SelfBalance.sol";
import {IAaveFlashLoanSimpleReceiver, IAaveV3Pool} from "./interfaces/external/IAaveV3Pool.sol";
import {
    IBalancerFlashLoanRecipient, IBalancerVault, IBalancerVaultSwaps
} from "./interfaces/external/IBalancerVault.sol";
import {ICurvePool} from "./interfaces/external/ICurvePool.sol";
import {IMorphoFlashLoanCallback, IMorphoFlashLoans} from "./interfaces/external/IMorpho.sol";
import {IWETH} from "./interfaces/external/IWETH.sol";
import {IUniswapV2Pair} from "./interfaces/external/IUniswapV2Pair.sol";
import {
    IUniswapV4PoolManager, IUniswapV4UnlockCallback
} from "./interfaces/external/IUniswapV4PoolManager.sol";
import {
    IUniswapV3FlashCallback,
    IUniswapV3Pool,
    IUniswapV3SwapCallback,
    IUniswapV3SwapPool
} from "./interfaces/external/IUniswapV3Pool.sol";

/// @title FlashArbExecutor
/// @notice Borrows with a flash loan (Aave V3, Balancer V2, a Uniswap V3 pool, Morpho Blue or the
///         Uniswap V4 PoolManager), runs an atomic swap route across Uniswap V2-style pairs,
///         Uniswap V3 pools, Uniswap V4 pools, Balancer V2 pools and Curve pools (or liquidates
///         an Aave V3 position and swaps the collateral back), repays, and reverts unless the
///         profit measured from balances clears the operator's floor. A cold owner configures
///         and withdraws; hot operators only execute.
/// @dev Every callback is accepted only from the lender or pool this contract itself called,
///      during an execution it started, with the data it sent (bound by a hash held in
///      transient storage). Pools are never taken from the route: V2 pairs and V3 pools are
///      derived by CREATE2 from factories fixed at deployment, Balancer swaps go through the
///      fixed Vault, V4 swaps through the fixed PoolManager in pools without hooks, and Curve
///      pools must be allowlisted. Nothing but transient markers is
///      written in the hot path.
contract FlashArbExecutor is
    IFlashArbExecutor,
    IAaveFlashLoanSimpleReceiver,
    IBalancerFlashLoanRecipient,
    IUniswapV3FlashCallback,
    IUniswapV3SwapCallback,
    IMorphoFlashLoanCallback,
    IUniswapV4UnlockCallback,
    Ownable2Step
{
    using SafeERC20 for IERC20;

    /// @notice A Uniswap V2-style DEX this executor trusts: its factory and pair init code hash.
    struct V2Dex {
        address factory;
        bytes32 initCodeHash;
    }

    /// @notice What the executor trusts, fixed for its lifetime.
    struct Deployment {
        address owner;
        /// Aave V3 Pool; zero on chains without Aave.
        address aavePool;
        /// Balancer V2 Vault; zero on chains without Balancer.
        address balancerVault;
        /// Morpho Blue; zero on chains without it.
        address morpho;
        /// Uniswap V4 PoolManager; zero on chains without Uniswap V4.
        address poolManager;
        /// Uniswap V3 factory and pool init code hash; zero on chains without Uniswap V3.
        address uniswapV3Factory;
        bytes32 uniswapV3InitCodeHash;
        /// Up to four V2-style DEXes, referred to by index in routes.
        V2Dex[] v2Dexes;
        /// Hot keys allowed to execute from the start.
        address[] operators;
        /// Where profit goes; zero keeps it in the contract.
        address profitReceiver;
        /// Curve pools allowed from the start.
        address[] curvePools;
    }

    // ------------------------------------------------------------------ constants

    /// @dev At most this many V2-style factories fit in immutables.
    uint256 private constant MAX_V2_DEXES = 4;
    /// @dev Fees are in millionths, as Uniswap V3 counts them.
    uint256 private constant FEE_DENOMINATOR = 1e6;
    /// @dev TickMath.MIN_SQRT_RATIO + 1 and MAX_SQRT_RATIO - 1: no price limit on V3 swaps;
    ///      the per-hop minimum and the profit floor bound the outcome instead.
    uint160 private constant MIN_SQRT_PRICE_LIMIT = 4_295_128_740;
    uint160 private constant MAX_SQRT_PRICE_LIMIT = 1_461_446_703_485_210_103_287_273_052_203_988_822_378_723_970_341;

    /// @dev Loan data sent through the lender and back: lender (1) · token (20) · amount (32) ·
    ///      minProfit (32) · balanceBefore (32) · route. A liquidation sets LIQUIDATION in the
    ///      lender byte and puts collateral (20) · user (20) · debtToCover (32) after the route.
    uint256 private constant LOAN_HEADER_SIZE = 117;
    uint256 private constant LIQUIDATION_SIZE = 72;
    /// @dev The flag in the loan data's first byte that marks a liquidation.
    uint8 private constant LIQUIDATION = 0x80;
    /// @dev A bid is in basis points of the profit above the floor: at most all of it.
    uint256 private constant MAX_BID_BPS = 10_000;

    /// @dev HopKind values as the hot path compares them, read straight from a route's byte.
    uint256 private constant V2 = uint256(HopKind.UniswapV2);
    uint256 private constant V3 = uint256(HopKind.UniswapV3);
    uint256 private constant BALANCER = uint256(HopKind.BalancerV2);
    uint256 private constant CURVE = uint256(HopKind.Curve);
    uint256 private constant V4 = uint256(HopKind.UniswapV4);

    /// @dev `_loanState` values besides a pending loan's hash.
    bytes32 private constant IDLE = bytes32(0);
    bytes32 private constant LOAN_CALLED_BACK = bytes32(uint256(1));

    // ------------------------------------------------------------------ immutables

    IAaveV3Pool private immutable _aavePool;
    address private immutable _balancerVault;
    address private immutable _morpho;
    address private immutable _poolManager;
    address private immutable _v3Factory;
    bytes32 private immutable _v3InitCodeHash;
    uint256 private immutable _v2DexCount;
    address private immutable _v2Factory0;
    address private immutable _v2Factory1;
    address private immutable _v2Factory2;
    address private immutable _v2Factory3;
    bytes32 private immutable _v2InitCodeHash0;
    bytes32 private immutable _v2InitCodeHash1;
    bytes32 private immutable _v2InitCodeHash2;
    bytes32 private immutable _v2InitCodeHash3;

    // ------------------------------------------------------------------ storage

    /// @dev Whether execution is paused and where profit goes: the source of truth.
    struct Config {
        address profitReceiver;
        bool paused;
    }

    /// @dev What `execute` checks, in one slot per account: the role and a copy of the config,
    ///      so the hot path reads a single slot. The owner's setters keep every copy in step.
    struct OperatorSlot {
        address profitReceiver;
        bool paused;
        bool allowed;
    }

    mapping(address account => OperatorSlot) private _operatorSlots;
    /// @dev The current operators, so the owner's setters can reach every copy of the config.
    address[] private _operatorList;
    mapping(address pool => bool) private _curvePools;
    Config private _config;

    /// @dev Where `execute` stands: IDLE; the hash of the loan data while the loan is being taken
    ///      (consumed by the first matching callback, so each loan calls back once); then
    ///      LOAN_CALLED_BACK until `execute` returns. Anything but IDLE locks `execute`.
    bytes32 internal transient _loanState;
    /// @dev The Uniswap V3 pool lending to us, while its `flash` runs.
    address private transient _expectedFlashPool;
    /// @dev The Uniswap V3 pool we are swapping with, while its `swap` runs.
    address internal transient _expectedSwapPool;
    /// @dev Set while a Uniswap V4 loan's route runs inside our `unlock`: V4 hops then swap
    ///      directly, since the PoolManager cannot be unlocked twice.
    bool private transient _insideV4Loan;
    /// @dev Set while a V4 hop's own `unlock` runs, so the callback swaps instead of lending.
    bool private transient _v4HopPending;
    /// @dev Profit measured in the loan callback, handed back to `execute`.
    uint256 private transient _measuredProfit;

    // ------------------------------------------------------------------ constructor

    /// @param deployment The owner and the lenders and DEXes this executor will ever trust.
    constructor(Deployment memory deployment) Ownable(deployment.owner) {
        uint256 count = deployment.v2Dexes.length;
        if (count > MAX_V2_DEXES) revert TooManyV2Factories(count, MAX_V2_DEXES);
        _aavePool = IAaveV3Pool(deployment.aavePool);
        _balancerVault = deployment.balancerVault;
        _morpho = deployment.morpho;
        _poolManager = deployment.poolManager;
        _v3Factory = deployment.uniswapV3Factory;
        _v3InitCodeHash = deployment.uniswapV3InitCodeHash;
        _v2DexCount = count;
        V2Dex[MAX_V2_DEXES] memory dexes;
        for (uint256 k; k < count; ++k) {
            if (deployment.v2Dexes[k].factory == address(0)) revert ZeroAddress();
            dexes[k] = deployment.v2Dexes[k];
        }
        _v2Factory0 = dexes[0].factory;
        _v2Factory1 = dexes[1].factory;
        _v2Factory2 = dexes[2].factory;
        _v2Factory3 = dexes[3].factory;
        _v2InitCodeHash0 = dexes[0].initCodeHash;
        _v2InitCodeHash1 = dexes[1].initCodeHash;
        _v2InitCodeHash2 = dexes[2].initCodeHash;
        _v2InitCodeHash3 = dexes[3].initCodeHash;
        // The receiver first: operators copy the config as they are added.
        if (deployment.profitReceiver != address(0)) {
            _config.profitReceiver = deployment.profitReceiver;
            emit ProfitReceiverSet(address(0), deployment.profitReceiver);
        }
        for (uint256 k; k < deployment.operators.length; ++k) {
            _setOperator(deployment.operators[k], true);
        }
        for (uint256 k; k < deployment.curvePools.length; ++k) {
            _setCurvePool(deployment.curvePools[k], true);
        }
    }

    /// @notice Accepts ETH from anyone (WETH's unwrap of a bid, or a plain transfer) so the owner
    ///         can withdraw it. A bid pays only the ETH its own unwrap brought in, so ETH sent
    ///         here is never paid out by a trade. Empty: WETH9 sends the unwrap with 2,300 gas.
    receive() external payable {}

    // ------------------------------------------------------------------ operator

    /// @inheritdoc IFlashArbExecutor
    function execute(Loan calldata loan, uint256 minProfit, bytes calldata route) external returns (uint256 profit) {
        OperatorSlot memory config = _enter();
        address token = loan.token;
        if (route.length == 0) revert MalformedRoute(0, 0);
        (address lendingPool, address end) = _checkRoute(loan, token, route);
        if (end != token) revert RouteDoesNotCloseLoop(token, end);
        // Trusted: the loan token is whatever the operator names; a token that lies about
        // balances can only make the profit check fail.
        bytes memory data = _loanData(uint8(loan.lender), token, loan.amount, minProfit, SelfBalance.get(token), route);
        profit = _borrow(config, loan, lendingPool, data);
    }

    /// @inheritdoc IFlashArbExecutor
    /// @dev Named so that its selector (0xfe8bd9ad) sorts after every selector a trade calls: the
    ///      dispatcher compares selectors in order, so no trade pays for this entry point.
    function executeWithBidToBuilder(Loan calldata loan, uint256 minProfit, bytes calldata route, uint16 bidBps)
        external
        returns (uint256 profit)
    {
        OperatorSlot memory config = _enter();
        if (bidBps > MAX_BID_BPS) revert BidTooHigh(bidBps, MAX_BID_BPS);
        address token = loan.token;
        if (route.length == 0) revert MalformedRoute(0, 0);
        (address lendingPool, address end) = _checkRoute(loan, token, route);
        if (end != token) revert RouteDoesNotCloseLoop(token, end);
        // Trusted as in `execute`: a token that lies about balances can only fail the profit check.
        bytes memory data = _loanData(uint8(loan.lender), token, loan.amount, minProfit, SelfBalance.get(token), route);
        // Without a receiver `_borrow` keeps the profit here, to be paid out below after the bid.
        address receiver = config.profitReceiver;
        config.profitReceiver = address(0);
        uint256 measured = _borrow(config, loan, lendingPool, data);
        // `_borrow` released the lock, and nothing has run since: locked again while the token,
        // the coinbase and the receiver are called.
        _loanState = LOAN_CALLED_BACK;
        // Cannot underflow: the loan callback reverted unless measured >= minProfit, and the bid
        // is at most the excess.
        unchecked {
            profit = measured - _payBid(token, measured - minProfit, bidBps);
        }
        if (receiver != address(0) && profit != 0) IERC20(token).safeTransfer(receiver, profit);
        _loanState = IDLE;
    }

    /// @inheritdoc IFlashArbExecutor
    function liquidate(Loan calldata loan, Liquidation calldata liquidation, uint256 minProfit, bytes calldata route)
        external
        returns (uint256 profit)
    {
        OperatorSlot memory config = _enter();
        if (address(_aavePool) == address(0)) revert LiquidationPoolNotConfigured();
        address token = loan.token;
        address collateral = liquidation.collateralAsset;
        // The seized collateral is measured as a balance change, which repaying the debt would
        // blur if both were one token: that liquidation swaps nothing.
        if (collateral == token && route.length != 0) revert RouteForCollateralInDebtAsset(route.length);
        // An empty route ends where it starts: allowed only when the collateral is the debt asset.
        (address lendingPool, address end) = _checkRoute(loan, collateral, route);
        if (end != token) revert RouteDoesNotCloseLoop(token, end);
        bytes memory data = _loanData(
            uint8(loan.lender) | LIQUIDATION, token, loan.amount, minProfit, SelfBalance.get(token), route
        );
        _appendLiquidation(data, liquidation);
        profit = _borrow(config, loan, lendingPool, data);
    }

    // ------------------------------------------------------------------ lender callbacks
    // Each callback authenticates its caller, enters the one loan hook (`_onLoan`), and repays
    // the way its lender expects.

    /// @inheritdoc IAaveFlashLoanSimpleReceiver
    /// @dev Only Aave's Pool, for a loan this contract initiated with exactly this data.
    function executeOperation(address, uint256, uint256 premium, address initiator, bytes calldata params)
        external
        returns (bool)
    {
        if (msg.sender != address(_aavePool)) revert UnexpectedCallback(msg.sender, address(_aavePool));
        if (initiator != address(this)) revert UnexpectedInitiator(initiator);
        (address token, uint256 owed) = _onLoan(Lender.AaveV3, params, premium);
        // Aave pulls exactly `owed`, so no allowance remains afterwards.
        IERC20(token).forceApprove(msg.sender, owed);
        return true;
    }

    /// @inheritdoc IBalancerFlashLoanRecipient
    /// @dev Only the Balancer Vault, for a loan this contract started with exactly this data
    ///      (Balancer passes no initiator, so the pending-loan hash is what proves it is ours).
    function receiveFlashLoan(
        address[] calldata,
        uint256[] calldata,
        uint256[] calldata feeAmounts,
        bytes calldata userData
    ) external {
        if (msg.sender != _balancerVault) revert UnexpectedCallback(msg.sender, _balancerVault);
        (address token, uint256 owed) = _onLoan(Lender.BalancerV2, userData, feeAmounts[0]);
        // Balancer checks its balance after this returns: repayment is pushed.
        IERC20(token).safeTransfer(msg.sender, owed);
    }

    /// @inheritdoc IUniswapV3FlashCallback
    /// @dev Only the pool whose `flash` this contract is running, with exactly this data.
    function uniswapV3FlashCallback(uint256 fee0, uint256 fee1, bytes calldata data) external {
        address expected = _expectedFlashPool;
        if (msg.sender != expected || expected == address(0)) revert UnexpectedCallback(msg.sender, expected);
        // One side was borrowed; the other side's fee is zero.
        (address token, uint256 owed) = _onLoan(Lender.UniswapV3, data, fee0 + fee1);
        IERC20(token).safeTransfer(msg.sender, owed);
    }

    /// @inheritdoc IMorphoFlashLoanCallback
    /// @dev Only Morpho Blue, for a loan this contract started with exactly this data (Morpho
    ///      calls back only the account that called `flashLoan`).
    function onMorphoFlashLoan(uint256, bytes calldata data) external {
        if (msg.sender != _morpho) revert UnexpectedCallback(msg.sender, _morpho);
        (address token, uint256 owed) = _onLoan(Lender.MorphoBlue, data, 0);
        // Morpho pulls exactly what it lent, so no allowance remains afterwards.
        IERC20(token).forceApprove(msg.sender, owed);
    }

    /// @inheritdoc IUniswapV4UnlockCallback
    /// @dev Only the PoolManager, which calls back only the account that called `unlock`: this
    ///      contract, either for a V4 hop's swap (`_v4HopPending`) or for a loan, which must carry
    ///      the pending loan's data. A loan takes the amount, runs the route with V4 hops swapping
    ///      in this same unlock, and pays back what it took; nothing is owed to the manager after.
    function unlockCallback(bytes calldata data) external returns (bytes memory) {
        address manager = _poolManager;
        if (msg.sender != manager) revert UnexpectedCallback(msg.sender, manager);
        if (_v4HopPending) {
            _v4HopPending = false;
            return _v4HopInUnlock(data);
        }
        _consumePendingLoan(Lender.UniswapV4, data);
        (address token, uint256 amount) = _loanTokenAndAmount(data);
        IUniswapV4PoolManager(manager).take(token, address(this), amount);
        _insideV4Loan = true;
        (, uint256 owed) = _runLoan(Lender.UniswapV4, data, 0);
        _insideV4Loan = false;
        _settleV4(manager, token, owed);
        return "";
    }

    /// @inheritdoc IUniswapV3SwapCallback
    /// @dev Only the pool whose `swap` this contract is running. It pays the pool the input it is owed.
    function uniswapV3SwapCallback(int256 amount0Delta, int256 amount1Delta, bytes calldata data) external {
        address expected = _expectedSwapPool;
        if (msg.sender != expected || expected == address(0)) revert UnexpectedCallback(msg.sender, expected);
        _expectedSwapPool = address(0);
        // The pool passes back the data we gave it: the input token.
        uint256 owed = amount0Delta > 0 ? uint256(amount0Delta) : uint256(amount1Delta);
        IERC20(address(bytes20(_dataWord(data, 0)))).safeTransfer(msg.sender, owed);
    }

    // ------------------------------------------------------------------ owner

    /// @notice Always reverts: without an owner nobody could withdraw, sweep, pause or change the
    ///         operators again, while the operators kept trading with what the executor holds.
    function renounceOwnership() public view override onlyOwner {
        revert RenounceOwnershipDisabled();
    }

    /// @inheritdoc IFlashArbExecutor
    function setOperator(address account, bool allowed) external onlyOwner {
        _setOperator(account, allowed);
    }

    /// @inheritdoc IFlashArbExecutor
    function setProfitReceiver(address receiver) external onlyOwner {
        emit ProfitReceiverSet(_config.profitReceiver, receiver);
        _config.profitReceiver = receiver;
        _syncOperators();
    }

    /// @inheritdoc IFlashArbExecutor
    function setCurvePool(address pool, bool allowed) external onlyOwner {
        _setCurvePool(pool, allowed);
    }

    /// @inheritdoc IFlashArbExecutor
    function pause() external onlyOwner {
        _config.paused = true;
        _syncOperators();
        emit PausedSet(true);
    }

    /// @inheritdoc IFlashArbExecutor
    function unpause() external onlyOwner {
        _config.paused = false;
        _syncOperators();
        emit PausedSet(false);
    }

    /// @inheritdoc IFlashArbExecutor
    function withdrawToken(address token, uint256 amount) external onlyOwner {
        address to = owner();
        IERC20(token).safeTransfer(to, amount);
        emit Withdrawn(token, to, amount);
    }

    /// @inheritdoc IFlashArbExecutor
    function withdrawETH(uint256 amount) external onlyOwner {
        address to = owner();
        // Trusted: the owner, who chose to receive ETH here.
        (bool ok,) = to.call{value: amount}("");
        if (!ok) revert EthTransferFailed(to, amount);
        emit Withdrawn(address(0), to, amount);
    }

    /// @inheritdoc IFlashArbExecutor
    function sweep(address token, uint256 keep) external onlyOwner returns (uint256 swept) {
        uint256 balance = IERC20(token).balanceOf(address(this));
        if (balance <= keep) return 0;
        // Cannot underflow: balance > keep.
        unchecked {
            swept = balance - keep;
        }
        address to = _config.profitReceiver == address(0) ? owner() : _config.profitReceiver;
        IERC20(token).safeTransfer(to, swept);
        emit Swept(token, to, swept, keep);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IFlashArbExecutor
    function isOperator(address account) external view returns (bool) {
        return _operatorSlots[account].allowed;
    }

    /// @inheritdoc IFlashArbExecutor
    function profitReceiver() external view returns (address) {
        return _config.profitReceiver;
    }

    /// @inheritdoc IFlashArbExecutor
    function paused() external view returns (bool) {
        return _config.paused;
    }

    /// @inheritdoc IFlashArbExecutor
    function isCurvePool(address pool) external view returns (bool) {
        return _curvePools[pool];
    }

    /// @inheritdoc IFlashArbExecutor
    function v2Factory(uint256 index) external view returns (address factory, bytes32 initCodeHash) {
        if (index >= _v2DexCount) revert UnknownV2Factory(0, uint8(index), _v2DexCount);
        return _v2Dex(uint8(index));
    }

    /// @inheritdoc IFlashArbExecutor
    function v2FactoryCount() external view returns (uint256) {
        return _v2DexCount;
    }

    /// @inheritdoc IFlashArbExecutor
    function decodeRoute(address loanToken, bytes calldata route) external view returns (Hop[] memory hops) {
        uint256 count;
        for (uint256 cursor; cursor < route.length; ++count) {
            (, uint256 size) = _hopAt(route, cursor, count);
            cursor += size;
        }
        hops = new Hop[](count);
        address tokenIn = loanToken;
        uint256 offset;
        for (uint256 k; k < count; ++k) {
            (HopKind kind, uint256 size) = _hopAt(route, offset, k);
            Hop memory hop = hops[k];
            hop.kind = kind;
            hop.tokenIn = tokenIn;
            hop.tokenOut = RouteCodec.tokenOut(route, offset, uint256(kind));
            hop.minAmountOut = RouteCodec.minAmountOut(route, offset, size);
            if (kind == HopKind.UniswapV2) {
                uint256 head = uint256(RouteCodec.word(route, offset));
                hop.factoryIndex = _v2FactoryIndex(head, k);
                hop.fee = _v2Fee(head, k);
            } else if (kind == HopKind.UniswapV3) {
                hop.fee = RouteCodec.v3Fee(route, offset);
            } else if (kind == HopKind.BalancerV2) {
                hop.poolId = RouteCodec.balancerPoolId(route, offset);
            } else if (kind == HopKind.UniswapV4) {
                (hop.fee, hop.tickSpacing) = RouteCodec.v4FeeAndSpacing(route, offset);
            } else {
                hop.pool = RouteCodec.curvePool(route, offset);
                (hop.i, hop.j) = RouteCodec.curveIndices(route, offset);
            }
            tokenIn = hop.tokenOut;
            offset += size;
        }
    }

    // ------------------------------------------------------------------ internal: configuration

    function _setOperator(address account, bool allowed) private {
        if (account == address(0)) revert ZeroAddress();
        bool was = _operatorSlots[account].allowed;
        if (allowed) {
            if (!was) _operatorList.push(account);
            Config memory config = _config;
            _operatorSlots[account] = OperatorSlot(config.profitReceiver, config.paused, true);
        } else if (was) {
            uint256 last = _operatorList.length - 1;
            for (uint256 k; k <= last; ++k) {
                if (_operatorList[k] == account) {
                    _operatorList[k] = _operatorList[last];
                    _operatorList.pop();
                    break;
                }
            }
            delete _operatorSlots[account];
        }
        emit OperatorSet(account, allowed);
    }

    /// @dev Copies the config into every operator's slot after the owner changed it.
    function _syncOperators() private {
        Config memory config = _config;
        uint256 count = _operatorList.length;
        for (uint256 k; k < count; ++k) {
            _operatorSlots[_operatorList[k]] = OperatorSlot(config.profitReceiver, config.paused, true);
        }
    }

    function _setCurvePool(address pool, bool allowed) private {
        if (pool == address(0)) revert ZeroAddress();
        _curvePools[pool] = allowed;
        emit CurvePoolSet(pool, allowed);
    }

    // ------------------------------------------------------------------ internal: loans
    // The assembly blocks below are `internal` (not `private`, which compiles the same) so that
    // contracts/test/harness/FlashArbExecutorHarness.sol can test each on its own.

    /// @dev The data sent through the lender and back: lender (1) · token (20) · amount (32) ·
    ///      minProfit (32) · balanceBefore (32) · route. Built without ABI padding so that its
    ///      hash is cheap and what the lender returns can be checked byte for byte. `head` is the
    ///      lender, with LIQUIDATION set for `liquidate`.
    function _loanData(
        uint8 head,
        address token,
        uint256 amount,
        uint256 minProfit,
        uint256 balanceBefore,
        bytes calldata route
    ) internal pure returns (bytes memory data) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            data := mload(0x40)
            let length := add(LOAN_HEADER_SIZE, route.length)
            mstore(data, length)
            let body := add(data, 0x20)
            // Each store overwrites the tail of the one before with the next field.
            mstore(body, shl(248, head))
            mstore(add(body, 1), shl(96, token))
            mstore(add(body, 21), amount)
            mstore(add(body, 53), minProfit)
            mstore(add(body, 85), balanceBefore)
            calldatacopy(add(body, LOAN_HEADER_SIZE), route.offset, route.length)
            mstore(0x40, and(add(add(body, length), 31), not(31)))
        }
    }

    /// @dev Checks the caller's role and the pause, and that no execution is under way.
    function _enter() private view returns (OperatorSlot memory config) {
        config = _operatorSlots[msg.sender];
        if (!config.allowed) revert NotOperator(msg.sender);
        if (config.paused) revert ExecutionPaused();
        if (_loanState != IDLE) revert ExecutionInProgress();
    }

    /// @dev Takes the loan with `data`, which its lender hands back to a callback that runs it;
    ///      then checks the callback came and pays the profit it measured to the receiver.
    function _borrow(OperatorSlot memory config, Loan calldata loan, address lendingPool, bytes memory data)
        private
        returns (uint256 profit)
    {
        Lender lender = loan.lender;
        address token = loan.token;
        uint256 amount = loan.amount;
        // Also the reentrancy lock: nothing gets back into `execute` until this returns.
        _loanState = keccak256(data);

        if (lender == Lender.AaveV3) {
            if (address(_aavePool) == address(0)) revert LenderNotConfigured(Lender.AaveV3);
            // Trusted: the Aave Pool fixed at deployment. It calls executeOperation, then pulls
            // amount + premium with transferFrom.
            _aavePool.flashLoanSimple(address(this), token, amount, data, 0);
        } else if (lender == Lender.BalancerV2) {
            address vault = _balancerVault;
            if (vault == address(0)) revert LenderNotConfigured(Lender.BalancerV2);
            // Trusted: the Balancer Vault fixed at deployment. It calls receiveFlashLoan, then
            // checks that its balance grew back by the fee.
            _balancerFlashLoan(vault, token, amount, data);
        } else if (lender == Lender.MorphoBlue) {
            address morpho = _morpho;
            if (morpho == address(0)) revert LenderNotConfigured(Lender.MorphoBlue);
            // Trusted: Morpho Blue fixed at deployment. It calls onMorphoFlashLoan on its caller
            // only, then pulls the amount back with transferFrom.
            IMorphoFlashLoans(morpho).flashLoan(token, amount, data);
        } else if (lender == Lender.UniswapV4) {
            address manager = _poolManager;
            if (manager == address(0)) revert LenderNotConfigured(Lender.UniswapV4);
            // Trusted: the fixed PoolManager; it calls back only its caller and reverts unless repaid.
            IUniswapV4PoolManager(manager).unlock(data);
        } else {
            // Trusted: derived by CREATE2 from the fixed Uniswap V3 factory in _checkRoute.
            _expectedFlashPool = lendingPool;
            bool loanIsToken0 = token < loan.pairToken;
            IUniswapV3Pool(lendingPool).flash(
                address(this), loanIsToken0 ? amount : 0, loanIsToken0 ? 0 : amount, data
            );
            _expectedFlashPool = address(0);
        }

        // A lender that returned without calling back leaves the marker in place: nothing was measured.
        if (_loanState != LOAN_CALLED_BACK) revert LenderDidNotCallBack(lender);
        // Left as is: the next loan's callback writes it before anything reads it, and the
        // transaction's end clears it.
        profit = _measuredProfit;
        if (config.profitReceiver != address(0) && profit != 0) {
            IERC20(token).safeTransfer(config.profitReceiver, profit);
        }
        _loanState = IDLE;
    }

    /// @dev Pays `block.coinbase` `bidBps` of `excess` (the profit above the floor) in ETH,
    ///      unwrapped from `token`, and returns the bid. The ETH paid is the ETH the unwrap brought
    ///      in, measured from the balance, so ETH the executor held before is never spent.
    function _payBid(address token, uint256 excess, uint256 bidBps) private returns (uint256 bid) {
        // excess * bidBps / MAX_BID_BPS, rounded down, without overflowing: whole ten-thousandths
        // of the excess, then the remainder. Cannot overflow: (excess / MAX_BID_BPS) * bidBps is
        // at most excess, and the remainder's product is below MAX_BID_BPS ** 2.
        unchecked {
            bid = (excess / MAX_BID_BPS) * bidBps + ((excess % MAX_BID_BPS) * bidBps) / MAX_BID_BPS;
        }
        if (bid == 0) return 0;
        uint256 ethBefore = address(this).balance;
        // Trusted for nothing: the loan token is whatever the operator names. WETH burns `bid` of
        // the profit and sends as much ETH back through `receive`. A token without `withdraw`
        // fails the call, and anything else that does not bring in exactly `bid` fails the check
        // below; the lock keeps a token that calls back out of `execute`.
        // solhint-disable-next-line avoid-low-level-calls
        (bool unwrapped,) = token.call(abi.encodeCall(IWETH.withdraw, (bid)));
        // Checked, though only the owner's `withdrawETH` ever sends the executor's ETH out.
        uint256 arrived = unwrapped ? address(this).balance - ethBefore : 0;
        if (arrived != bid) revert BidUnwrapMismatch(token, bid, arrived);
        // Trusted for nothing: the block's builder, paid exactly `bid`. Code it runs meets the
        // lock, and a builder that refuses the ETH fails the trade.
        (bool paid,) = block.coinbase.call{value: bid}("");
        if (!paid) revert EthTransferFailed(block.coinbase, bid);
        emit CoinbasePaid(block.coinbase, bid);
    }

    /// @dev Appends collateral (20) · user (20) · debtToCover (32) to loan data in place: `data`
    ///      is the last allocation, so it grows into free memory.
    function _appendLiquidation(bytes memory data, Liquidation calldata liquidation) internal pure {
        address collateral = liquidation.collateralAsset;
        address user = liquidation.user;
        uint256 debtToCover = liquidation.debtToCover;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let length := mload(data)
            let end := add(add(data, 0x20), length)
            // Each store overwrites the tail of the one before with the next field.
            mstore(end, shl(96, collateral))
            mstore(add(end, 20), shl(96, user))
            mstore(add(end, 40), debtToCover)
            mstore(data, add(length, LIQUIDATION_SIZE))
            mstore(0x40, and(add(add(end, LIQUIDATION_SIZE), 31), not(31)))
        }
    }

    /// @dev Whether loan data, proven ours, is a liquidation's.
    function _isLiquidation(bytes calldata data) private pure returns (bool) {
        return uint8(bytes1(_dataWord(data, 0))) & LIQUIDATION != 0;
    }

    /// @dev Liquidates the position named at the end of `data` with the borrowed debt asset and
    ///      returns the route between the header and that position with what it swaps: the
    ///      collateral the Pool sent, measured from balances, so nothing the executor held is spent.
    function _liquidate(bytes calldata data, address debtAsset)
        private
        returns (bytes calldata route, address collateral, uint256 seized)
    {
        uint256 at = data.length - LIQUIDATION_SIZE;
        collateral = address(bytes20(_dataWord(data, at)));
        address user = address(bytes20(_dataWord(data, at + 20)));
        uint256 debtToCover = uint256(_dataWord(data, at + 40));
        uint256 collateralBefore = SelfBalance.get(collateral);
        address pool = address(_aavePool);
        IERC20(debtAsset).forceApprove(pool, debtToCover);
        // Trusted: the Aave Pool fixed at deployment. It pulls the debt it repays (at most
        // debtToCover) and sends the collateral it seizes.
        _aavePool.liquidationCall(collateral, debtAsset, user, debtToCover, false);
        // The Pool repays less than asked when its close factor or the debt allows less.
        if (IERC20(debtAsset).allowance(address(this), pool) != 0) IERC20(debtAsset).forceApprove(pool, 0);
        route = data[LOAN_HEADER_SIZE:at];
        // An empty route (collateral in the debt asset) swaps nothing and is not measured.
        if (route.length != 0) seized = SelfBalance.get(collateral) - collateralBefore;
    }

    /// @dev The event for what the loan in `data` did: an arbitrage or a liquidation.
    function _emitExecuted(
        Lender lender,
        address token,
        uint256 amount,
        uint256 fee,
        uint256 profit,
        bytes calldata data
    ) private {
        if (!_isLiquidation(data)) {
            emit ArbitrageExecuted(lender, token, amount, fee, profit);
            return;
        }
        uint256 at = data.length - LIQUIDATION_SIZE;
        address collateral = address(bytes20(_dataWord(data, at)));
        address user = address(bytes20(_dataWord(data, at + 20)));
        emit LiquidationExecuted(lender, token, collateral, user, amount, fee, profit);
    }

    /// @dev The loan token and amount from loan data, which `_consumePendingLoan` has proven ours.
    function _loanTokenAndAmount(bytes calldata data) private pure returns (address token, uint256 amount) {
        token = address(bytes20(_dataWord(data, 1)));
        amount = uint256(_dataWord(data, 21));
    }

    /// @dev Borrows from the Balancer Vault: `flashLoan(this, [token], [amount], data)`, encoded by
    ///      hand because the ABI encoder's arrays cost more than the rest of this call's glue.
    function _balancerFlashLoan(address vault, address token, uint256 amount, bytes memory data) internal {
        bytes4 selector = IBalancerVault.flashLoan.selector;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let length := mload(data)
            let call_ := mload(0x40)
            mstore(call_, selector)
            let args := add(call_, 4)
            mstore(args, address())
            mstore(add(args, 0x20), 0x80) // tokens
            mstore(add(args, 0x40), 0xc0) // amounts
            mstore(add(args, 0x60), 0x100) // userData
            mstore(add(args, 0x80), 1)
            mstore(add(args, 0xa0), token)
            mstore(add(args, 0xc0), 1)
            mstore(add(args, 0xe0), amount)
            mstore(add(args, 0x100), length)
            let padded := and(add(length, 31), not(31))
            // Zero the last word first so the padding after the data is clean.
            mstore(add(add(args, 0x100), padded), 0)
            mcopy(add(args, 0x120), add(data, 0x20), length)
            if iszero(call(gas(), vault, 0, call_, add(0x124, padded), 0, 0)) {
                returndatacopy(0, 0, returndatasize())
                revert(0, returndatasize())
            }
        }
    }

    /// @dev Accepts a loan callback only if it carries exactly the data of the loan this
    ///      contract is taking (whose first byte names the lender that must call back), then
    ///      marks the loan called back so it cannot be replayed.
    function _consumePendingLoan(Lender lender, bytes calldata data) internal {
        bytes32 expected = _loanState;
        bytes32 actual;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let copy := mload(0x40)
            calldatacopy(copy, data.offset, data.length)
            actual := keccak256(copy, data.length)
        }
        // The data's first byte is only read once its hash has proven it is our loan data.
        if (expected != actual || uint8(bytes1(_dataWord(data, 0))) & ~LIQUIDATION != uint8(lender)) {
            revert UnknownLoan(expected == LOAN_CALLED_BACK ? IDLE : expected, actual);
        }
        _loanState = LOAN_CALLED_BACK;
    }

    /// @dev The loan hook every lender callback enters once it has authenticated its caller.
    ///      It accepts the loan only if `data` is the pending loan's, which also proves that the
    ///      token and amount it names are what the lender sent. It runs the route with the
    ///      borrowed amount (for a liquidation: liquidates, then runs the route with the
    ///      collateral seized) and measures the profit: the loan token's balance now, less the
    ///      balance before the loan, less what is owed (repayment is checked before profit, so a
    ///      failure says which one fell short). It records the profit for `execute`, emits, and
    ///      returns the token and what the lender is owed, for the callback to repay.
    function _onLoan(Lender lender, bytes calldata data, uint256 fee) private returns (address token, uint256 owed) {
        _consumePendingLoan(lender, data);
        return _runLoan(lender, data, fee);
    }

    /// @dev The loan hook's work once `data` is proven the pending loan's (see `_onLoan`); the
    ///      V4 callback enters here after taking the loan from the PoolManager.
    function _runLoan(Lender lender, bytes calldata data, uint256 fee) private returns (address token, uint256 owed) {
        uint256 amount;
        (token, amount) = _loanTokenAndAmount(data);
        owed = amount + fee;
        // One call of _runRoute, so that the optimizer inlines the hot loop here.
        bytes calldata route = data[LOAN_HEADER_SIZE:];
        address tokenIn = token;
        uint256 amountIn = amount;
        if (_isLiquidation(data)) (route, tokenIn, amountIn) = _liquidate(data, token);
        if (route.length != 0) _runRoute(route, tokenIn, amountIn);
        uint256 balanceBefore = uint256(_dataWord(data, 85));
        uint256 balanceAfter = SelfBalance.get(token);
        uint256 gained = balanceAfter > balanceBefore ? balanceAfter - balanceBefore : 0;
        if (gained < owed) revert RepaymentShortfall(owed, gained);
        uint256 profit;
        // Cannot underflow: checked just above.
        unchecked {
            profit = gained - owed;
        }
        uint256 minProfit = uint256(_dataWord(data, 53));
        if (profit < minProfit) revert InsufficientProfit(minProfit, profit);
        _measuredProfit = profit;
        _emitExecuted(lender, token, amount, fee, profit, data);
    }

    // ------------------------------------------------------------------ internal: route

    /// @dev Checks the whole route before anything is borrowed: every hop of a known kind and
    ///      inside the route, every V2 hop's factory and fee valid, every Curve pool allowed,
    ///      and no hop through a lender that is locked during its own loan. Returns the Uniswap
    ///      V3 lending pool for that lender (zero otherwise) and the token the route ends in,
    ///      which the caller checks. The loan data
    ///      carries this route to the callback under a hash, so `_runRoute` reads it unchecked.
    function _checkRoute(Loan calldata loan, address start, bytes calldata route)
        private
        view
        returns (address lendingPool, address end)
    {
        Lender lender = loan.lender;
        address loanToken = loan.token;
        if (lender == Lender.UniswapV3) {
            if (_v3Factory == address(0)) revert LenderNotConfigured(Lender.UniswapV3);
            address pairToken = loan.pairToken;
            if (pairToken == loanToken) revert PairTokenIsLoanToken(loanToken);
            lendingPool = _v3Pool(loanToken, pairToken, loan.poolFee);
        }
        uint256 length = route.length;
        address tokenIn = start;
        uint256 offset;
        for (uint256 k; offset < length; ++k) {
            uint256 head = uint256(RouteCodec.word(route, offset));
            uint256 kind = head >> 248;
            if (kind > V4) revert UnknownHopKind(k, uint8(kind));
            uint256 next = RouteCodec.nextHop(offset, kind);
            address tokenOut = RouteCodec.tokenOut(route, offset, kind);
            if (next > length) revert MalformedRoute(offset, length);
            if (kind == V2) {
                _v2FactoryIndex(head, k);
                _v2Fee(head, k);
            } else if (kind == V3) {
                if (lendingPool != address(0)) {
                    address pool = _v3Pool(tokenIn, tokenOut, RouteCodec.v3Fee(route, offset));
                    if (pool == lendingPool) revert RouteUsesLoanPool(k, pool);
                }
            } else if (kind == BALANCER) {
                if (lender == Lender.BalancerV2) revert BalancerHopDuringBalancerLoan(k);
            } else if (kind == CURVE) {
                address pool = RouteCodec.curvePool(route, offset);
                if (!_curvePools[pool]) revert CurvePoolNotAllowed(k, pool);
            } else if (_poolManager == address(0)) {
                revert VenueNotConfigured(k, HopKind.UniswapV4);
            }
            tokenIn = tokenOut;
            offset = next;
        }
        end = tokenIn;
    }

    /// @dev Swaps `amountIn` of `tokenIn` through every hop of a route `_checkRoute` accepted,
    ///      reading each hop's fields from its first word. When the next hop is a V2 pair, a hop
    ///      pays its output straight into that pair, saving a transfer (except Curve, which pays
    ///      only its caller). Any other intermediate output is paid to this contract and passed on
    ///      as measured from its balance, so a short delivery is never made up from what the
    ///      executor holds when the next hop pulls its input (Curve measures its own output; a V2
    ///      pair paid directly checks K instead).
    function _runRoute(bytes calldata route, address tokenIn, uint256 amountIn) private {
        uint256 offset;
        address pair; // the V2 pair already holding this hop's input, if any
        for (uint256 k;; ++k) {
            uint256 head = uint256(RouteCodec.word(route, offset));
            uint256 kind = head >> 248;
            uint256 next = RouteCodec.nextHop(offset, kind);
            address tokenOut = RouteCodec.tokenOut(route, offset, kind);
            address recipient = address(this);
            address nextPair;
            uint256 held;
            bool measure;
            if (next != route.length && kind != CURVE) {
                uint256 nextHead = uint256(RouteCodec.word(route, next));
                if (nextHead >> 248 == V2) {
                    nextPair =
                        _v2Pair(RouteCodec.v2FactoryIndex(nextHead), tokenOut, RouteCodec.v2TokenOut(nextHead));
                    recipient = nextPair;
                } else {
                    measure = true;
                    held = SelfBalance.get(tokenOut);
                }
            }
            uint256 amountOut;
            if (kind == V2) {
                if (pair == address(0)) {
                    pair = _v2Pair(RouteCodec.v2FactoryIndex(head), tokenIn, tokenOut);
                    // Trusted: `pair` is derived by CREATE2 from a factory fixed at deployment.
                    IERC20(tokenIn).safeTransfer(pair, amountIn);
                }
                amountOut = _swapV2(pair, tokenIn < tokenOut, RouteCodec.v2Fee(head), amountIn, recipient);
            } else {
                amountOut = _swapHop(kind, route, offset, tokenIn, tokenOut, amountIn, recipient);
            }
            if (measure) amountOut = SelfBalance.get(tokenOut) - held;
            uint256 minimum = RouteCodec.minAmountOut(route, offset, next - offset);
            if (amountOut < minimum) revert HopOutputTooLow(k, minimum, amountOut);
            if (next == route.length) return;
            pair = nextPair;
            tokenIn = tokenOut;
            amountIn = amountOut;
            offset = next;
        }
    }

    /// @dev A hop through anything but a V2 pair, by kind.
    function _swapHop(
        uint256 kind,
        bytes calldata route,
        uint256 offset,
        address tokenIn,
        address tokenOut,
        uint256 amountIn,
        address recipient
    ) private returns (uint256) {
        if (kind == V3) return _swapV3(tokenIn, tokenOut, RouteCodec.v3Fee(route, offset), amountIn, recipient);
        if (kind == BALANCER) {
            return _swapBalancer(RouteCodec.balancerPoolId(route, offset), tokenIn, tokenOut, amountIn, recipient);
        }
        if (kind == CURVE) return _swapCurve(route, offset, tokenIn, tokenOut, amountIn);
        (uint24 fee, int24 tickSpacing) = RouteCodec.v4FeeAndSpacing(route, offset);
        // Inside a V4 loan the manager is already unlocked for us; otherwise the hop unlocks it.
        if (_insideV4Loan) return _swapV4(tokenIn, tokenOut, fee, tickSpacing, amountIn, recipient);
        _v4HopPending = true;
        // Trusted: the PoolManager fixed at deployment (`_checkRoute` refused V4 hops without one).
        bytes memory result = IUniswapV4PoolManager(_poolManager).unlock(
            abi.encode(tokenIn, tokenOut, fee, tickSpacing, amountIn, recipient)
        );
        return abi.decode(result, (uint256));
    }

    /// @dev A V4 hop's swap inside its own `unlock`: the parameters `_swapHop` sent, the output back.
    function _v4HopInUnlock(bytes calldata data) private returns (bytes memory) {
        (address tokenIn, address tokenOut, uint24 fee, int24 tickSpacing, uint256 amountIn, address recipient) =
            abi.decode(data, (address, address, uint24, int24, uint256, address));
        return abi.encode(_swapV4(tokenIn, tokenOut, fee, tickSpacing, amountIn, recipient));
    }

    /// @dev An exact-input swap in the hookless V4 pool of two tokens, inside an unlock: swap, pay
    ///      the input the manager is owed, take the output to `recipient`. A token that delivers
    ///      less than sent leaves a debt, and the manager reverts the unlock: nothing held is spent.
    function _swapV4(
        address tokenIn,
        address tokenOut,
        uint24 fee,
        int24 tickSpacing,
        uint256 amountIn,
        address recipient
    ) private returns (uint256 amountOut) {
        address manager = _poolManager;
        bool zeroForOne = tokenIn < tokenOut;
        int256 delta = IUniswapV4PoolManager(manager).swap(
            IUniswapV4PoolManager.PoolKey({
                currency0: zeroForOne ? tokenIn : tokenOut,
                currency1: zeroForOne ? tokenOut : tokenIn,
                fee: fee,
                tickSpacing: tickSpacing,
                hooks: address(0)
            }),
            IUniswapV4PoolManager.SwapParams({
                zeroForOne: zeroForOne,
                amountSpecified: -SafeCast.toInt256(amountIn),
                sqrtPriceLimitX96: zeroForOne ? MIN_SQRT_PRICE_LIMIT : MAX_SQRT_PRICE_LIMIT
            }),
            ""
        );
        // BalanceDelta: amount0 in the upper 128 bits, amount1 in the lower; the input is
        // negative (owed to the manager), the output positive.
        int128 amount0 = int128(delta >> 128);
        int128 amount1 = int128(delta);
        uint256 paid = uint256(-int256(zeroForOne ? amount0 : amount1));
        amountOut = uint256(int256(zeroForOne ? amount1 : amount0));
        _settleV4(manager, tokenIn, paid);
        IUniswapV4PoolManager(manager).take(tokenOut, recipient, amountOut);
    }

    /// @dev Pays the PoolManager `amount` of `token`: it credits what arrived since `sync`.
    function _settleV4(address manager, address token, uint256 amount) private {
        IUniswapV4PoolManager(manager).sync(token);
        IERC20(token).safeTransfer(manager, amount);
        IUniswapV4PoolManager(manager).settle();
    }

    /// @dev A Uniswap V2-style swap called directly on a pair that already holds the input,
    ///      priced with the hop's fee from the pair's reserves, as UniswapV2Library.getAmountOut.
    function _swapV2(address pair, bool zeroForOne, uint256 fee, uint256 amountIn, address recipient)
        internal
        returns (uint256 amountOut)
    {
        (uint256 reserveIn, uint256 reserveOut) = _v2Reserves(pair, zeroForOne);
        uint256 feeComplement;
        uint256 scaledReserveIn;
        // `fee` is below FEE_DENOMINATOR (checked in _checkRoute) and reserves fit in 112 bits.
        unchecked {
            feeComplement = FEE_DENOMINATOR - fee;
            scaledReserveIn = reserveIn * FEE_DENOMINATOR;
        }
        // Checked: `amountIn` is not bounded by the pair.
        uint256 amountInWithFee = amountIn * feeComplement;
        amountOut = (amountInWithFee * reserveOut) / (scaledReserveIn + amountInWithFee);
        bytes4 selector = IUniswapV2Pair.swap.selector;
        // A fee-on-transfer input leaves the pair short and its K check reverts the swap.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            // swap(amount0Out, amount1Out, recipient, "")
            let call_ := mload(0x40)
            mstore(call_, selector)
            mstore(add(call_, 0x04), mul(amountOut, iszero(zeroForOne)))
            mstore(add(call_, 0x24), mul(amountOut, zeroForOne))
            mstore(add(call_, 0x44), recipient)
            mstore(add(call_, 0x64), 0x80)
            mstore(add(call_, 0x84), 0)
            if iszero(call(gas(), pair, 0, call_, 0xa4, 0, 0)) {
                returndatacopy(0, 0, returndatasize())
                revert(0, returndatasize())
            }
        }
    }

    /// @dev A V2 pair's reserves of the input and output token.
    function _v2Reserves(address pair, bool zeroForOne) internal view returns (uint256 reserveIn, uint256 reserveOut) {
        bytes4 selector = IUniswapV2Pair.getReserves.selector;
        // Trusted: `pair` is derived by CREATE2 from a factory fixed at deployment.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(0x00, selector)
            // A pair that does not exist returns nothing and fails the length check.
            if iszero(and(gt(returndatasize(), 0x3f), staticcall(gas(), pair, 0x00, 0x04, 0x00, 0x40))) {
                returndatacopy(0, 0, returndatasize())
                revert(0, returndatasize())
            }
            switch zeroForOne
            case 0 {
                reserveIn := mload(0x20)
                reserveOut := mload(0x00)
            }
            default {
                reserveIn := mload(0x00)
                reserveOut := mload(0x20)
            }
        }
    }

    /// @dev A Uniswap V3 swap called directly on the pool; the pool is paid in uniswapV3SwapCallback.
    function _swapV3(address tokenIn, address tokenOut, uint24 fee, uint256 amountIn, address recipient)
        internal
        returns (uint256 amountOut)
    {
        address pool = _v3Pool(tokenIn, tokenOut, fee);
        bool zeroForOne = tokenIn < tokenOut;
        _expectedSwapPool = pool;
        uint160 limit = zeroForOne ? MIN_SQRT_PRICE_LIMIT : MAX_SQRT_PRICE_LIMIT;
        // The pool reads the amount as int256.
        int256 amountSpecified = SafeCast.toInt256(amountIn);
        int256 amount0;
        int256 amount1;
        // Trusted: `pool` is derived by CREATE2 from the Uniswap V3 factory fixed at deployment.
        bytes4 selector = IUniswapV3SwapPool.swap.selector;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            // swap(recipient, zeroForOne, amountSpecified, limit, abi.encodePacked(tokenIn))
            let call_ := mload(0x40)
            mstore(call_, selector)
            mstore(add(call_, 0x04), recipient)
            mstore(add(call_, 0x24), zeroForOne)
            mstore(add(call_, 0x44), amountSpecified)
            mstore(add(call_, 0x64), limit)
            mstore(add(call_, 0x84), 0xa0)
            mstore(add(call_, 0xa4), 20)
            mstore(add(call_, 0xc4), shl(96, tokenIn))
            // A pool that does not exist returns nothing and fails the length check.
            if iszero(and(gt(returndatasize(), 0x3f), call(gas(), pool, 0, call_, 0xe4, 0x00, 0x40))) {
                returndatacopy(0, 0, returndatasize())
                revert(0, returndatasize())
            }
            amount0 := mload(0x00)
            amount1 := mload(0x20)
        }
        _expectedSwapPool = address(0);
        amountOut = uint256(-(zeroForOne ? amount1 : amount0));
    }

    /// @dev A Balancer V2 single swap through the Vault, which pulls exactly `amountIn`.
    function _swapBalancer(bytes32 poolId, address tokenIn, address tokenOut, uint256 amountIn, address recipient)
        private
        returns (uint256 amountOut)
    {
        address vault = _balancerVault;
        IERC20(tokenIn).forceApprove(vault, amountIn);
        // Trusted: the Vault fixed at deployment; it prices through the pool named by the id
        // and fails for ids it has not registered. Our minimum is checked by the caller.
        amountOut = IBalancerVaultSwaps(vault).swap(
            IBalancerVaultSwaps.SingleSwap({
                poolId: poolId,
                kind: IBalancerVaultSwaps.SwapKind.GIVEN_IN,
                assetIn: tokenIn,
                assetOut: tokenOut,
                amount: amountIn,
                userData: ""
            }),
            IBalancerVaultSwaps.FundManagement({
                sender: address(this),
                fromInternalBalance: false,
                recipient: payable(recipient),
                toInternalBalance: false
            }),
            0,
            block.timestamp
        );
    }

    /// @dev A Curve `exchange` on a pool `_checkRoute` found allowlisted; its output is measured
    ///      from balances because classic pools return nothing.
    function _swapCurve(bytes calldata route, uint256 offset, address tokenIn, address tokenOut, uint256 amountIn)
        private
        returns (uint256 amountOut)
    {
        address pool = RouteCodec.curvePool(route, offset);
        (int8 i, int8 j) = RouteCodec.curveIndices(route, offset);
        uint256 before = SelfBalance.get(tokenOut);
        IERC20(tokenIn).forceApprove(pool, amountIn);
        // Trusted: allowlisted by the owner.
        uint256 minimum = RouteCodec.minAmountOut(route, offset, RouteCodec.hopSize(CURVE));
        ICurvePool(pool).exchange(i, j, amountIn, minimum);
        amountOut = SelfBalance.get(tokenOut) - before;
        if (IERC20(tokenIn).allowance(address(this), pool) != 0) IERC20(tokenIn).forceApprove(pool, 0);
    }

    // ------------------------------------------------------------------ internal: route reading

    /// @dev The 32 bytes from `at` of data a lender or pool hands back (loan data, laid out by
    ///      `_loanData`; a V3 swap's input token), unchecked.
    function _dataWord(bytes calldata data, uint256 at) private pure returns (bytes32) {
        return RouteCodec.word(data, at);
    }

    /// @dev Kind and size (kind byte included) of the hop at `offset`; reverts if it is unknown
    ///      or runs past the end of the route.
    function _hopAt(bytes calldata route, uint256 offset, uint256 hopIndex)
        private
        pure
        returns (HopKind kind, uint256 size)
    {
        uint256 raw = RouteCodec.kindAt(route, offset);
        if (raw > uint8(type(HopKind).max)) revert UnknownHopKind(hopIndex, uint8(raw));
        kind = HopKind(raw);
        size = RouteCodec.hopSize(raw);
        if (offset + size > route.length) revert MalformedRoute(offset, route.length);
    }

    /// @dev A V2 hop's factory index, from the hop's first word; reverts if unknown.
    function _v2FactoryIndex(uint256 head, uint256 hopIndex) private view returns (uint8 index) {
        index = RouteCodec.v2FactoryIndex(head);
        if (index >= _v2DexCount) revert UnknownV2Factory(hopIndex, index, _v2DexCount);
    }

    /// @dev A V2 hop's fee, from the hop's first word; reverts unless below 100%.
    function _v2Fee(uint256 head, uint256 hopIndex) private pure returns (uint24 fee) {
        fee = RouteCodec.v2Fee(head);
        if (fee >= FEE_DENOMINATOR) revert InvalidV2Fee(hopIndex, fee);
    }

    // ------------------------------------------------------------------ internal: pools

    function _v2Dex(uint8 index) private view returns (address factory, bytes32 initCodeHash) {
        if (index == 0) return (_v2Factory0, _v2InitCodeHash0);
        if (index == 1) return (_v2Factory1, _v2InitCodeHash1);
        if (index == 2) return (_v2Factory2, _v2InitCodeHash2);
        return (_v2Factory3, _v2InitCodeHash3);
    }

    /// @dev The pair a trusted V2 factory deployed for two tokens.
    function _v2Pair(uint8 factoryIndex, address tokenA, address tokenB) private view returns (address) {
        (address factory, bytes32 initCodeHash) = _v2Dex(factoryIndex);
        return PoolAddress.v2Pair(factory, initCodeHash, tokenA, tokenB);
    }

    /// @dev The pool the trusted V3 factory deployed for two tokens and a fee.
    function _v3Pool(address tokenA, address tokenB, uint24 fee) private view returns (address) {
        return PoolAddress.v3Pool(_v3Factory, _v3InitCodeHash, tokenA, tokenB, fee);
    }
}
