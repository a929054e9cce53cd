// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IAaveFlashLoanSimpleReceiver, IAaveV3Pool} from "../../interfaces/external/IAaveV3Pool.sol";
import {
    IBalancerFlashLoanRecipient, IBalancerVault, IBalancerVaultSwaps
} from "../../interfaces/external/IBalancerVault.sol";
import {IMorphoFlashLoanCallback, IMorphoFlashLoans} from "../../interfaces/external/IMorpho.sol";
import {IUniswapV3FlashCallback, IUniswapV3Pool} from "../../interfaces/external/IUniswapV3Pool.sol";

/// @notice Uniswap V2 Router02's exact-input swap (Sushiswap's router is the same code).
interface IV2Router {
    function swapExactTokensForTokens(
        uint256 amountIn,
        uint256 amountOutMin,
        address[] calldata path,
        address to,
        uint256 deadline
    ) external returns (uint256[] memory amounts);
}

/// @notice Uniswap V3 SwapRouter's single-pool exact-input swap.
interface IV3SwapRouter {
    struct ExactInputSingleParams {
        address tokenIn;
        address tokenOut;
        uint24 fee;
        address recipient;
        uint256 deadline;
        uint256 amountIn;
        uint256 amountOutMinimum;
        uint160 sqrtPriceLimitX96;
    }

    function exactInputSingle(ExactInputSingleParams calldata params) external payable returns (uint256 amountOut);
}

/// @title RouterLoanArb
/// @notice Gas reference only: the executor's loans (Aave V3, Balancer V2, a Uniswap V3 pool's
///         flash) with every swap done through the protocols' routers, as a flash-loan bot
///         without its own pool calls would trade. Approvals are set once beforehand, as such a
///         bot would. No checks at all; never deploy it anywhere but a test chain.
contract RouterLoanArb is
    IAaveFlashLoanSimpleReceiver,
    IBalancerFlashLoanRecipient,
    IUniswapV3FlashCallback,
    IMorphoFlashLoanCallback
{
    /// @notice Which router a step calls.
    enum Kind {
        V2Router,
        V3Router,
        BalancerVault
    }

    /// @notice One router call; its input is the previous step's output (the loan for the first).
    struct Step {
        Kind kind;
        address router;
        /// V2Router: the token path. Otherwise empty.
        address[] path;
        /// V3Router and BalancerVault: the tokens, and the V3 fee tier or the Balancer pool id.
        address tokenIn;
        address tokenOut;
        uint24 fee;
        bytes32 poolId;
    }

    IAaveV3Pool public immutable aavePool;
    address public immutable vault;
    address public immutable morpho;

    constructor(IAaveV3Pool aavePool_, address vault_, address morpho_) {
        aavePool = aavePool_;
        vault = vault_;
        morpho = morpho_;
    }

    /// @notice Lets `spender` take any amount of `token` from this contract.
    function approve(address token, address spender) external {
        IERC20(token).approve(spender, type(uint256).max);
    }

    /// @notice Borrows from Aave and runs `steps`.
    function borrowFromAave(address token, uint256 amount, Step[] calldata steps) external {
        aavePool.flashLoanSimple(address(this), token, amount, abi.encode(steps), 0);
    }

    /// @notice Borrows from the Balancer Vault and runs `steps`.
    function borrowFromBalancer(address token, uint256 amount, Step[] calldata steps) external {
        address[] memory tokens = new address[](1);
        tokens[0] = token;
        uint256[] memory amounts = new uint256[](1);
        amounts[0] = amount;
        IBalancerVault(vault).flashLoan(address(this), tokens, amounts, abi.encode(steps));
    }

    /// @notice Borrows from Morpho Blue and runs `steps`; Morpho pulls the repayment with the
    ///         allowance set beforehand.
    function borrowFromMorpho(address token, uint256 amount, Step[] calldata steps) external {
        IMorphoFlashLoans(morpho).flashLoan(token, amount, abi.encode(steps));
    }

    /// @notice Borrows `amount` of `token` from a Uniswap V3 pool and runs `steps`.
    function borrowFromUniswapV3(address pool, address token, uint256 amount, Step[] calldata steps) external {
        bool isToken0 = IUniswapV3Pool(pool).token0() == token;
        IUniswapV3Pool(pool).flash(
            address(this), isToken0 ? amount : 0, isToken0 ? 0 : amount, abi.encode(token, amount, steps)
        );
    }

    /// @inheritdoc IAaveFlashLoanSimpleReceiver
    function executeOperation(address, uint256 amount, uint256, address, bytes calldata params)
        external
        returns (bool)
    {
        // Aave pulls the repayment with the allowance set beforehand.
        _run(amount, abi.decode(params, (Step[])));
        return true;
    }

    /// @inheritdoc IBalancerFlashLoanRecipient
    function receiveFlashLoan(
        address[] calldata tokens,
        uint256[] calldata amounts,
        uint256[] calldata feeAmounts,
        bytes calldata userData
    ) external {
        _run(amounts[0], abi.decode(userData, (Step[])));
        IERC20(tokens[0]).transfer(vault, amounts[0] + feeAmounts[0]);
    }

    /// @inheritdoc IMorphoFlashLoanCallback
    function onMorphoFlashLoan(uint256 assets, bytes calldata data) external {
        _run(assets, abi.decode(data, (Step[])));
    }

    /// @inheritdoc IUniswapV3FlashCallback
    function uniswapV3FlashCallback(uint256 fee0, uint256 fee1, bytes calldata data) external {
        (address token, uint256 amount, Step[] memory steps) = abi.decode(data, (address, uint256, Step[]));
        _run(amount, steps);
        IERC20(token).transfer(msg.sender, amount + fee0 + fee1);
    }

    function _run(uint256 amount, Step[] memory steps) private {
        for (uint256 k; k < steps.length; ++k) {
            Step memory step = steps[k];
            if (step.kind == Kind.V2Router) {
                uint256[] memory amounts = IV2Router(step.router).swapExactTokensForTokens(
                    amount, 0, step.path, address(this), block.timestamp
                );
                amount = amounts[amounts.length - 1];
            } else if (step.kind == Kind.V3Router) {
                amount = IV3SwapRouter(step.router).exactInputSingle(
                    IV3SwapRouter.ExactInputSingleParams({
                        tokenIn: step.tokenIn,
                        tokenOut: step.tokenOut,
                        fee: step.fee,
                        recipient: address(this),
                        deadline: block.timestamp,
                        amountIn: amount,
                        amountOutMinimum: 0,
                        sqrtPriceLimitX96: 0
                    })
                );
            } else {
                amount = IBalancerVaultSwaps(step.router).swap(
                    IBalancerVaultSwaps.SingleSwap({
                        poolId: step.poolId,
                        kind: IBalancerVaultSwaps.SwapKind.GIVEN_IN,
                        assetIn: step.tokenIn,
                        assetOut: step.tokenOut,
                        amount: amount,
                        userData: ""
                    }),
                    IBalancerVaultSwaps.FundManagement({
                        sender: address(this),
                        fromInternalBalance: false,
                        recipient: payable(address(this)),
                        toInternalBalance: false
                    }),
                    0,
                    block.timestamp
                );
            }
        }
    }
}
