// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IBalancerVaultSwaps} from "../../interfaces/external/IBalancerVault.sol";
import {IFlashArbExecutor} from "../../interfaces/IFlashArbExecutor.sol";

/// @dev The parts of the Balancer V2 Vault a pool uses to register itself.
interface IBalancerVaultRegistry {
    function registerPool(uint8 specialization) external returns (bytes32);
    function registerTokens(bytes32 poolId, IERC20[] calldata tokens, address[] calldata assetManagers) external;
}

/// @title ReentrantBalancerPool
/// @notice A two-token pool anyone could register with the real Balancer V2 Vault, whose
///         `onSwap` tries to re-enter everything within reach before pricing the swap at a
///         fixed rate: the executor's `execute` and its callbacks, and the Vault itself. It
///         counts what it tried and what got through.
contract ReentrantBalancerPool {
    /// @dev The Vault's swap request for minimal-swap-info and two-token pools; its field order is
    ///      the Vault's ABI, so it cannot be rearranged for packing.
    // solhint-disable-next-line gas-struct-packing
    struct SwapRequest {
        uint8 kind;
        IERC20 tokenIn;
        IERC20 tokenOut;
        uint256 amount;
        bytes32 poolId;
        uint256 lastChangeBlock;
        address from;
        address to;
        bytes userData;
    }

    /// @notice The Vault this pool is registered with, and its id there.
    address public immutable vault;
    bytes32 public poolId;
    /// @notice The executor the pool attacks during a swap.
    address public victim;
    /// @notice Output per unit of input, in 1e18.
    uint256 public rate;
    /// @notice Re-entries tried, how many were not refused, and the revert data of each refused one.
    uint256 public attempts;
    uint256 public succeeded;
    bytes[] public refusals;

    constructor(address vault_, IERC20[] memory tokens, address victim_, uint256 rate_) {
        vault = vault_;
        victim = victim_;
        rate = rate_;
        // 2: the two-token specialization.
        poolId = IBalancerVaultRegistry(vault_).registerPool(2);
        IBalancerVaultRegistry(vault_).registerTokens(poolId, tokens, new address[](tokens.length));
    }

    /// @notice The Vault's join hook: takes the amounts encoded in `userData`, pays no protocol fee.
    function onJoinPool(bytes32, address, address, uint256[] calldata balances, uint256, uint256, bytes calldata data)
        external
        pure
        returns (uint256[] memory amountsIn, uint256[] memory dueProtocolFees)
    {
        amountsIn = abi.decode(data, (uint256[]));
        dueProtocolFees = new uint256[](balances.length);
    }

    /// @notice The Vault's swap hook: attacks, then prices `amount` at `rate`.
    function onSwap(SwapRequest calldata request, uint256, uint256) external returns (uint256) {
        IFlashArbExecutor.Loan memory loan = IFlashArbExecutor.Loan({
            lender: IFlashArbExecutor.Lender.BalancerV2,
            token: address(request.tokenIn),
            amount: 1,
            pairToken: address(0),
            poolFee: 0
        });
        _try(victim, abi.encodeCall(IFlashArbExecutor.execute, (loan, 0, "")));
        address[] memory tokens = new address[](1);
        tokens[0] = address(request.tokenIn);
        uint256[] memory amounts = new uint256[](1);
        amounts[0] = 1;
        _try(
            victim,
            abi.encodeWithSignature(
                "receiveFlashLoan(address[],uint256[],uint256[],bytes)", tokens, amounts, new uint256[](1), ""
            )
        );
        _try(victim, abi.encodeWithSignature("uniswapV3SwapCallback(int256,int256,bytes)", int256(1), int256(0), ""));
        _try(
            victim,
            abi.encodeWithSignature(
                "executeOperation(address,uint256,uint256,address,bytes)", address(request.tokenIn), 1, 0, victim, ""
            )
        );
        _try(victim, abi.encodeWithSignature("uniswapV3FlashCallback(uint256,uint256,bytes)", 0, 0, ""));
        _tryVaultSwap(request);
        return (request.amount * rate) / 1e18;
    }

    /// @dev Tries a swap of its own through the Vault, which is in the middle of one.
    function _tryVaultSwap(SwapRequest calldata request) private {
        _try(
            vault,
            abi.encodeCall(
                IBalancerVaultSwaps.swap,
                (
                    IBalancerVaultSwaps.SingleSwap({
                        poolId: poolId,
                        kind: IBalancerVaultSwaps.SwapKind.GIVEN_IN,
                        assetIn: address(request.tokenIn),
                        assetOut: address(request.tokenOut),
                        amount: 1,
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
                )
            )
        );
    }

    function _try(address to, bytes memory data) private {
        ++attempts;
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory reason) = to.call(data);
        if (ok) ++succeeded;
        else refusals.push(reason);
    }
}
