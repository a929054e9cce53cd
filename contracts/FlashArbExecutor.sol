// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IFlashArbExecutor} from "./interfaces/IFlashArbExecutor.sol";
import {IAaveFlashLoanSimpleReceiver, IAaveV3Pool} from "./interfaces/external/IAaveV3Pool.sol";
import {
    IBalancerFlashLoanRecipient, IBalancerVault, IBalancerVaultSwaps
} from "./interfaces/external/IBalancerVault.sol";
import {ICurvePool} from "./interfaces/external/ICurvePool.sol";
import {IUniswapV2Pair} from "./interfaces/external/IUniswapV2Pair.sol";
import {
    IUniswapV3FlashCallback,
    IUniswapV3Pool,
    IUniswapV3SwapCallback,
    IUniswapV3SwapPool
} from "./interfaces/external/IUniswapV3Pool.sol";

/// @title FlashArbExecutor
/// @notice Borrows with a flash loan (Aave V3, Balancer V2 or a Uniswap V3 pool), runs an atomic
///         swap route across Uniswap V2-style pairs, Uniswap V3 pools, Balancer V2 pools and
///         Curve pools, repays, and reverts unless the profit measured from balances clears the
///         operator's floor. A cold owner configures and withdraws; hot operators only execute.
/// @dev Every callback is accepted only from the lender or pool this contract itself called,
///      during an execution it started, with the data it sent (bound by a hash held in
///      transient storage). Pools are never taken from the route: V2 pairs and V3 pools are
///      derived by CREATE2 from factories fixed at deployment, Balancer swaps go through the
///      fixed Vault, and Curve pools must be allowlisted. Nothing but transient markers is
///      written in the hot path.
contract FlashArbExecutor is
    IFlashArbExecutor,
    IAaveFlashLoanSimpleReceiver,
    IBalancerFlashLoanRecipient,
    IUniswapV3FlashCallback,
    IUniswapV3SwapCallback,
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

    /// @dev Hop sizes, kind byte included (see IFlashArbExecutor).
    uint256 private constant V2_HOP_SIZE = 41;
    uint256 private constant V3_HOP_SIZE = 40;
    uint256 private constant BALANCER_HOP_SIZE = 69;
    uint256 private constant CURVE_HOP_SIZE = 59;

    /// @dev Loan data sent through the lender and back: token (20) · amount (32) · minProfit (32)
    ///      · balanceBefore (32) · route.
    uint256 private constant LOAN_HEADER_SIZE = 116;

    // ------------------------------------------------------------------ immutables

    IAaveV3Pool private immutable _aavePool;
    address private immutable _balancerVault;
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

    /// @dev Hash of (lender, loan data) of the loan being taken; zero when none. Consumed by
    ///      the first matching callback, so each loan calls back once.
    bytes32 private transient _pendingLoan;
    /// @dev True from the start to the end of `execute`: the reentrancy lock.
    bool private transient _executing;
    /// @dev The Uniswap V3 pool lending to us, while its `flash` runs.
    address private transient _expectedFlashPool;
    /// @dev The Uniswap V3 pool we are swapping with, while its `swap` runs.
    address private transient _expectedSwapPool;
    /// @dev Profit measured in the loan callback, handed back to `execute`.
    uint256 private transient _measuredProfit;

    // ------------------------------------------------------------------ constructor

    /// @param deployment The owner and the lenders and DEXes this executor will ever trust.
    constructor(Deployment memory deployment) Ownable(deployment.owner) {
        uint256 count = deployment.v2Dexes.length;
        if (count > MAX_V2_DEXES) revert TooManyV2Factories(count, MAX_V2_DEXES);
        _aavePool = IAaveV3Pool(deployment.aavePool);
        _balancerVault = deployment.balancerVault;
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

    /// @notice Accepts ETH (for example from an unwrap) so the owner can withdraw it.
    receive() external payable {}

    // ------------------------------------------------------------------ operator

    /// @inheritdoc IFlashArbExecutor
    function execute(Loan calldata loan, uint256 minProfit, bytes calldata route) external returns (uint256 profit) {
        OperatorSlot memory config = _operatorSlots[msg.sender];
        if (!config.allowed) revert NotOperator(msg.sender);
        if (config.paused) revert ExecutionPaused();
        if (_executing) revert ExecutionInProgress();
        _executing = true;

        address lendingPool = _checkRoute(loan, route);
        // Trusted: the loan token is whatever the operator names; a token that lies about
        // balances can only make the profit check fail.
        uint256 balanceBefore = IERC20(loan.token).balanceOf(address(this));
        bytes memory data = abi.encodePacked(loan.token, loan.amount, minProfit, balanceBefore, route);
        _pendingLoan = keccak256(abi.encodePacked(loan.lender, data));

        if (loan.lender == Lender.AaveV3) {
            if (address(_aavePool) == address(0)) revert LenderNotConfigured(Lender.AaveV3);
            // Trusted: the Aave Pool fixed at deployment. It calls executeOperation, then pulls
            // amount + premium with transferFrom.
            _aavePool.flashLoanSimple(address(this), loan.token, loan.amount, data, 0);
        } else if (loan.lender == Lender.BalancerV2) {
            if (_balancerVault == address(0)) revert LenderNotConfigured(Lender.BalancerV2);
            address[] memory tokens = new address[](1);
            tokens[0] = loan.token;
            uint256[] memory amounts = new uint256[](1);
            amounts[0] = loan.amount;
            // Trusted: the Balancer Vault fixed at deployment. It calls receiveFlashLoan, then
            // checks that its balance grew back by the fee.
            IBalancerVault(_balancerVault).flashLoan(address(this), tokens, amounts, data);
        } else {
            // Trusted: derived by CREATE2 from the fixed Uniswap V3 factory in _checkRoute.
            _expectedFlashPool = lendingPool;
            bool loanIsToken0 = loan.token < loan.pairToken;
            IUniswapV3Pool(lendingPool).flash(
                address(this), loanIsToken0 ? loan.amount : 0, loanIsToken0 ? 0 : loan.amount, data
            );
            _expectedFlashPool = address(0);
        }

        // A lender that returned without calling back leaves the marker set: nothing was measured.
        if (_pendingLoan != bytes32(0)) revert UnknownLoan(_pendingLoan, bytes32(0));
        // Left as is: the next loan's callback writes it before anything reads it, and the
        // transaction's end clears it.
        profit = _measuredProfit;
        if (config.profitReceiver != address(0) && profit != 0) {
            IERC20(loan.token).safeTransfer(config.profitReceiver, profit);
        }
        _executing = false;
    }

    // ------------------------------------------------------------------ lender callbacks

    /// @inheritdoc IAaveFlashLoanSimpleReceiver
    /// @dev Only Aave's Pool, for a loan this contract initiated with exactly this data.
    function executeOperation(address asset, uint256 amount, uint256 premium, address initiator, bytes calldata params)
        external
        returns (bool)
    {
        if (msg.sender != address(_aavePool)) revert UnexpectedCallback(msg.sender, address(_aavePool));
        if (initiator != address(this)) revert UnexpectedInitiator(initiator);
        _consumePendingLoan(Lender.AaveV3, params);
        uint256 owed = amount + premium;
        uint256 profit = _runRouteAndMeasure(params, owed);
        _measuredProfit = profit;
        // Aave pulls exactly `owed`, so no allowance remains afterwards.
        IERC20(asset).forceApprove(msg.sender, owed);
        emit ArbitrageExecuted(Lender.AaveV3, asset, amount, premium, profit);
        return true;
    }

    /// @inheritdoc IBalancerFlashLoanRecipient
    /// @dev Only the Balancer Vault, for a loan this contract started with exactly this data
    ///      (Balancer passes no initiator, so the pending-loan hash is what proves it is ours).
    function receiveFlashLoan(
        address[] calldata tokens,
        uint256[] calldata amounts,
        uint256[] calldata feeAmounts,
        bytes calldata userData
    ) external {
        if (msg.sender != _balancerVault) revert UnexpectedCallback(msg.sender, _balancerVault);
        _consumePendingLoan(Lender.BalancerV2, userData);
        uint256 owed = amounts[0] + feeAmounts[0];
        uint256 profit = _runRouteAndMeasure(userData, owed);
        _measuredProfit = profit;
        // Balancer checks its balance after this returns: repayment is pushed.
        IERC20(tokens[0]).safeTransfer(msg.sender, owed);
        emit ArbitrageExecuted(Lender.BalancerV2, tokens[0], amounts[0], feeAmounts[0], profit);
    }

    /// @inheritdoc IUniswapV3FlashCallback
    /// @dev Only the pool whose `flash` this contract is running, with exactly this data.
    function uniswapV3FlashCallback(uint256 fee0, uint256 fee1, bytes calldata data) external {
        address expected = _expectedFlashPool;
        if (msg.sender != expected || expected == address(0)) revert UnexpectedCallback(msg.sender, expected);
        _consumePendingLoan(Lender.UniswapV3, data);
        (address token, uint256 amount) = (address(bytes20(_word(data, 0))), uint256(_word(data, 20)));
        // One side was borrowed; the other side's fee is zero.
        uint256 fee = fee0 + fee1;
        uint256 owed = amount + fee;
        uint256 profit = _runRouteAndMeasure(data, owed);
        _measuredProfit = profit;
        IERC20(token).safeTransfer(msg.sender, owed);
        emit ArbitrageExecuted(Lender.UniswapV3, token, amount, fee, profit);
    }

    /// @inheritdoc IUniswapV3SwapCallback
    /// @dev Only the pool whose `swap` this contract is running. It pays the pool the input it is owed.
    function uniswapV3SwapCallback(int256 amount0Delta, int256 amount1Delta, bytes calldata data) external {
        address expected = _expectedSwapPool;
        if (msg.sender != expected || expected == address(0)) revert UnexpectedCallback(msg.sender, expected);
        _expectedSwapPool = address(0);
        // The pool passes back the data we gave it: the input token.
        uint256 owed = amount0Delta > 0 ? uint256(amount0Delta) : uint256(amount1Delta);
        IERC20(address(bytes20(_word(data, 0)))).safeTransfer(msg.sender, owed);
    }

    // ------------------------------------------------------------------ owner

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
            hop.tokenOut = _tokenOut(route, offset, kind);
            hop.minAmountOut = _minAmountOut(route, offset, size);
            if (kind == HopKind.UniswapV2) {
                hop.factoryIndex = _v2FactoryIndex(route, offset, k);
                hop.fee = _v2Fee(route, offset, k);
            } else if (kind == HopKind.UniswapV3) {
                hop.fee = _v3Fee(route, offset);
            } else if (kind == HopKind.BalancerV2) {
                hop.poolId = _word(route, offset + 1);
            } else {
                hop.pool = address(bytes20(_word(route, offset + 1)));
                (hop.i, hop.j) = _curveIndices(route, offset);
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

    /// @dev Accepts a loan callback only if it carries exactly the data of the loan this
    ///      contract is taking from `lender`, then clears the marker so it cannot be replayed.
    function _consumePendingLoan(Lender lender, bytes calldata data) private {
        bytes32 expected = _pendingLoan;
        bytes32 actual = keccak256(abi.encodePacked(lender, data));
        if (expected != actual || expected == bytes32(0)) revert UnknownLoan(expected, actual);
        _pendingLoan = bytes32(0);
    }

    /// @dev Runs the route in `data` with the borrowed amount and returns the profit, measured
    ///      as the loan token's balance now, less the balance before the loan, less `owed`.
    ///      Repayment is checked before profit so a failure says which one fell short.
    function _runRouteAndMeasure(bytes calldata data, uint256 owed) private returns (uint256 profit) {
        address token = address(bytes20(_word(data, 0)));
        uint256 amount = uint256(_word(data, 20));
        uint256 minProfit = uint256(_word(data, 52));
        uint256 balanceBefore = uint256(_word(data, 84));
        _runRoute(data[LOAN_HEADER_SIZE:], token, amount);
        uint256 balanceAfter = IERC20(token).balanceOf(address(this));
        uint256 gained = balanceAfter > balanceBefore ? balanceAfter - balanceBefore : 0;
        if (gained < owed) revert RepaymentShortfall(owed, gained);
        // Cannot underflow: checked just above.
        unchecked {
            profit = gained - owed;
        }
        if (profit < minProfit) revert InsufficientProfit(minProfit, profit);
    }

    // ------------------------------------------------------------------ internal: route

    /// @dev Checks the whole route before anything is borrowed: every hop of a known kind and
    ///      inside the route, the loop closed, and no hop through a lender that is locked during
    ///      its own loan. Returns the
    ///      Uniswap V3 lending pool for that lender (zero otherwise). After this, every read of
    ///      the route is in bounds.
    function _checkRoute(Loan calldata loan, bytes calldata route) private view returns (address lendingPool) {
        if (loan.lender == Lender.UniswapV3) {
            if (_v3Factory == address(0)) revert LenderNotConfigured(Lender.UniswapV3);
            if (loan.pairToken == loan.token) revert LoanTokenNotInPool(address(0), loan.token);
            lendingPool = _v3Pool(loan.token, loan.pairToken, loan.poolFee);
        }
        if (route.length == 0) revert MalformedRoute(0, 0);
        address tokenIn = loan.token;
        uint256 offset;
        for (uint256 k; offset < route.length; ++k) {
            (HopKind kind, uint256 size) = _hopAt(route, offset, k);
            address tokenOut = _tokenOut(route, offset, kind);
            // A V2 hop's factory index and fee are checked where the hop runs, with the same errors.
            if (kind == HopKind.BalancerV2) {
                if (loan.lender == Lender.BalancerV2) revert BalancerHopDuringBalancerLoan(k);
            } else if (kind == HopKind.UniswapV3 && lendingPool != address(0)) {
                address pool = _v3Pool(tokenIn, tokenOut, _v3Fee(route, offset));
                if (pool == lendingPool) revert RouteUsesLoanPool(k, pool);
            }
            tokenIn = tokenOut;
            offset += size;
        }
        if (tokenIn != loan.token) revert RouteDoesNotCloseLoop(loan.token, tokenIn);
    }

    /// @dev Swaps `amountIn` of `tokenIn` through every hop of a route `_checkRoute` accepted.
    ///      When the next hop is a V2 pair, a hop pays its output straight into that pair,
    ///      saving a transfer.
    function _runRoute(bytes calldata route, address tokenIn, uint256 amountIn) private {
        uint256 offset;
        address pair; // the V2 pair already holding this hop's input, if any
        for (uint256 k;; ++k) {
            (HopKind kind, uint256 size) = _hopAt(route, offset, k);
            address tokenOut = _tokenOut(route, offset, kind);
            uint256 next = offset + size;
            (address recipient, address nextPair) = _recipient(route, next, k + 1, kind, tokenOut);
            amountIn = _swap(route, offset, k, kind, size, tokenIn, tokenOut, amountIn, pair, recipient);
            if (next == route.length) return;
            pair = recipient == address(this) ? address(0) : nextPair;
            tokenIn = tokenOut;
            offset = next;
        }
    }

    /// @dev Where the hop before `next` should send its output: straight into the next hop's
    ///      pair when that hop is V2 (and this one is not Curve, which pays only its caller),
    ///      otherwise to this contract.
    function _recipient(bytes calldata route, uint256 next, uint256 nextIndex, HopKind kind, address tokenOut)
        private
        view
        returns (address recipient, address nextPair)
    {
        recipient = address(this);
        if (next == route.length) return (recipient, address(0));
        (HopKind nextKind,) = _hopAt(route, next, nextIndex);
        if (nextKind != HopKind.UniswapV2) return (recipient, address(0));
        nextPair = _v2Pair(_v2FactoryIndex(route, next, nextIndex), tokenOut, _tokenOut(route, next, nextKind));
        if (kind != HopKind.Curve) recipient = nextPair;
    }

    /// @dev Runs one hop (its kind, size and output token already read by the caller) and checks
    ///      its minimum; `pair` is the V2 pair already holding the input, if any.
    function _swap(
        bytes calldata route,
        uint256 offset,
        uint256 k,
        HopKind kind,
        uint256 size,
        address tokenIn,
        address tokenOut,
        uint256 amountIn,
        address pair,
        address recipient
    ) private returns (uint256 amountOut) {
        if (kind == HopKind.UniswapV2) {
            bool inputAtPair = pair != address(0);
            if (!inputAtPair) pair = _v2Pair(_v2FactoryIndex(route, offset, k), tokenIn, tokenOut);
            amountOut = _swapV2(pair, tokenIn, tokenOut, _v2Fee(route, offset, k), amountIn, inputAtPair, recipient);
        } else if (kind == HopKind.UniswapV3) {
            amountOut = _swapV3(tokenIn, tokenOut, _v3Fee(route, offset), amountIn, recipient);
        } else if (kind == HopKind.BalancerV2) {
            amountOut = _swapBalancer(_word(route, offset + 1), tokenIn, tokenOut, amountIn, recipient);
        } else {
            amountOut = _swapCurve(route, offset, k, tokenIn, tokenOut, amountIn);
        }
        uint256 minimum = _minAmountOut(route, offset, size);
        if (amountOut < minimum) revert HopOutputTooLow(k, minimum, amountOut);
    }

    /// @dev A Uniswap V2-style swap called directly on the pair, with the hop's fee.
    function _swapV2(
        address pair,
        address tokenIn,
        address tokenOut,
        uint24 fee,
        uint256 amountIn,
        bool inputAtPair,
        address recipient
    ) private returns (uint256 amountOut) {
        // Trusted: `pair` is derived by CREATE2 from a factory fixed at deployment.
        if (!inputAtPair) IERC20(tokenIn).safeTransfer(pair, amountIn);
        (uint256 reserve0, uint256 reserve1,) = IUniswapV2Pair(pair).getReserves();
        bool zeroForOne = tokenIn < tokenOut;
        (uint256 reserveIn, uint256 reserveOut) = zeroForOne ? (reserve0, reserve1) : (reserve1, reserve0);
        uint256 amountInWithFee = amountIn * (FEE_DENOMINATOR - fee);
        amountOut = (amountInWithFee * reserveOut) / (reserveIn * FEE_DENOMINATOR + amountInWithFee);
        // A fee-on-transfer input leaves the pair short and its K check reverts the swap.
        IUniswapV2Pair(pair).swap(zeroForOne ? 0 : amountOut, zeroForOne ? amountOut : 0, recipient, "");
    }

    /// @dev A Uniswap V3 swap called directly on the pool; the pool is paid in uniswapV3SwapCallback.
    function _swapV3(address tokenIn, address tokenOut, uint24 fee, uint256 amountIn, address recipient)
        private
        returns (uint256 amountOut)
    {
        address pool = _v3Pool(tokenIn, tokenOut, fee);
        bool zeroForOne = tokenIn < tokenOut;
        _expectedSwapPool = pool;
        // Trusted: `pool` is derived by CREATE2 from the Uniswap V3 factory fixed at deployment.
        (int256 amount0, int256 amount1) = IUniswapV3SwapPool(pool).swap(
            recipient,
            zeroForOne,
            SafeCast.toInt256(amountIn),
            zeroForOne ? MIN_SQRT_PRICE_LIMIT : MAX_SQRT_PRICE_LIMIT,
            abi.encodePacked(tokenIn)
        );
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

    /// @dev A Curve `exchange` on an allowlisted pool; its output is measured from balances
    ///      because classic pools return nothing.
    function _swapCurve(
        bytes calldata route,
        uint256 offset,
        uint256 hopIndex,
        address tokenIn,
        address tokenOut,
        uint256 amountIn
    ) private returns (uint256 amountOut) {
        address pool = address(bytes20(_word(route, offset + 1)));
        if (!_curvePools[pool]) revert CurvePoolNotAllowed(hopIndex, pool);
        (int8 i, int8 j) = _curveIndices(route, offset);
        uint256 before = IERC20(tokenOut).balanceOf(address(this));
        IERC20(tokenIn).forceApprove(pool, amountIn);
        // Trusted: allowlisted by the owner.
        ICurvePool(pool).exchange(i, j, amountIn, _minAmountOut(route, offset, CURVE_HOP_SIZE));
        amountOut = IERC20(tokenOut).balanceOf(address(this)) - before;
        if (IERC20(tokenIn).allowance(address(this), pool) != 0) IERC20(tokenIn).forceApprove(pool, 0);
    }

    // ------------------------------------------------------------------ internal: route reading

    /// @dev The 32 bytes of `data` from `at`. Reads past the end are zeros; `_hopAt` checks bounds.
    function _word(bytes calldata data, uint256 at) private pure returns (bytes32 word) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            word := calldataload(add(data.offset, at))
        }
    }

    /// @dev Kind and size (kind byte included) of the hop at `offset`; reverts if it is unknown
    ///      or runs past the end of the route.
    function _hopAt(bytes calldata route, uint256 offset, uint256 hopIndex)
        private
        pure
        returns (HopKind kind, uint256 size)
    {
        uint8 raw = uint8(bytes1(_word(route, offset)));
        if (raw == uint8(HopKind.UniswapV2)) size = V2_HOP_SIZE;
        else if (raw == uint8(HopKind.UniswapV3)) size = V3_HOP_SIZE;
        else if (raw == uint8(HopKind.BalancerV2)) size = BALANCER_HOP_SIZE;
        else if (raw == uint8(HopKind.Curve)) size = CURVE_HOP_SIZE;
        else revert UnknownHopKind(hopIndex, raw);
        if (offset + size > route.length) revert MalformedRoute(offset, route.length);
        kind = HopKind(raw);
    }

    /// @dev Where each kind keeps its output token: after the factory index (V2), first (V3),
    ///      after the pool id (Balancer) or after the pool (Curve).
    function _tokenOut(bytes calldata route, uint256 offset, HopKind kind) private pure returns (address) {
        uint256 at = kind == HopKind.UniswapV2
            ? offset + 2
            : kind == HopKind.UniswapV3 ? offset + 1 : kind == HopKind.BalancerV2 ? offset + 33 : offset + 21;
        return address(bytes20(_word(route, at)));
    }

    /// @dev Every hop ends with its 16-byte minimum output.
    function _minAmountOut(bytes calldata route, uint256 offset, uint256 size) private pure returns (uint128) {
        return uint128(bytes16(_word(route, offset + size - 16)));
    }

    function _v2FactoryIndex(bytes calldata route, uint256 offset, uint256 hopIndex)
        private
        view
        returns (uint8 index)
    {
        index = uint8(bytes1(_word(route, offset + 1)));
        if (index >= _v2DexCount) revert UnknownV2Factory(hopIndex, index, _v2DexCount);
    }

    function _v2Fee(bytes calldata route, uint256 offset, uint256 hopIndex) private pure returns (uint24 fee) {
        fee = uint24(bytes3(_word(route, offset + 22)));
        if (fee >= FEE_DENOMINATOR) revert InvalidV2Fee(hopIndex, fee);
    }

    function _v3Fee(bytes calldata route, uint256 offset) private pure returns (uint24) {
        return uint24(bytes3(_word(route, offset + 21)));
    }

    function _curveIndices(bytes calldata route, uint256 offset) private pure returns (int8 i, int8 j) {
        bytes32 word = _word(route, offset + 41);
        i = int8(uint8(word[0]));
        j = int8(uint8(word[1]));
    }

    // ------------------------------------------------------------------ internal: pools

    function _v2Dex(uint8 index) private view returns (address factory, bytes32 initCodeHash) {
        if (index == 0) return (_v2Factory0, _v2InitCodeHash0);
        if (index == 1) return (_v2Factory1, _v2InitCodeHash1);
        if (index == 2) return (_v2Factory2, _v2InitCodeHash2);
        return (_v2Factory3, _v2InitCodeHash3);
    }

    /// @dev The pair a trusted V2 factory deployed for two tokens (UniswapV2Library.pairFor).
    function _v2Pair(uint8 factoryIndex, address tokenA, address tokenB) private view returns (address) {
        (address factory, bytes32 initCodeHash) = _v2Dex(factoryIndex);
        (address token0, address token1) = tokenA < tokenB ? (tokenA, tokenB) : (tokenB, tokenA);
        bytes32 salt = keccak256(abi.encodePacked(token0, token1));
        return address(uint160(uint256(keccak256(abi.encodePacked(hex"ff", factory, salt, initCodeHash)))));
    }

    /// @dev The pool the trusted V3 factory deployed for two tokens and a fee (PoolAddress.computeAddress).
    function _v3Pool(address tokenA, address tokenB, uint24 fee) private view returns (address) {
        (address token0, address token1) = tokenA < tokenB ? (tokenA, tokenB) : (tokenB, tokenA);
        bytes32 salt = keccak256(abi.encode(token0, token1, fee));
        return address(uint160(uint256(keccak256(abi.encodePacked(hex"ff", _v3Factory, salt, _v3InitCodeHash)))));
    }
}
