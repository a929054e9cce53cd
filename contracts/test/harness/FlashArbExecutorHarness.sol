// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {FlashArbExecutor} from "../../FlashArbExecutor.sol";

/// @title FlashArbExecutorHarness
/// @notice Test-only: exposes the executor's assembly blocks one by one, so each is tested against
///         the Solidity it stands for (test/solidity/executor/FlashArbExecutor.assembly.t.sol).
contract FlashArbExecutorHarness is FlashArbExecutor {
    constructor(Deployment memory deployment) FlashArbExecutor(deployment) {}

    /// @notice `_loanData`, and the free memory pointer before and after it.
    function loanData(
        uint8 head,
        address token,
        uint256 amount,
        uint256 minProfit,
        uint256 balanceBefore,
        bytes calldata route
    ) external pure returns (bytes memory data, uint256 freeBefore, uint256 freeAfter, uint256 at) {
        freeBefore = _freePointer();
        data = _loanData(head, token, amount, minProfit, balanceBefore, route);
        freeAfter = _freePointer();
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            at := data
        }
    }

    /// @notice `_appendLiquidation` on `_loanData`'s output, and the free memory pointer after.
    function loanDataWithLiquidation(uint8 head, bytes calldata route, Liquidation calldata liquidation)
        external
        pure
        returns (bytes memory data, uint256 freeAfter)
    {
        data = _loanData(head, address(0), 1, 2, 3, route);
        _appendLiquidation(data, liquidation);
        freeAfter = _freePointer();
    }

    /// @notice Sets the pending loan, then `_consumePendingLoan`; returns the state after.
    function consumePendingLoan(bytes32 pending, Lender lender, bytes calldata data) external returns (bytes32) {
        _loanState = pending;
        _consumePendingLoan(lender, data);
        return _loanState;
    }

    /// @notice `_balancerFlashLoan`.
    function balancerFlashLoan(address vault, address token, uint256 amount, bytes calldata data) external {
        _balancerFlashLoan(vault, token, amount, data);
    }

    /// @notice `_swapV2`.
    function swapV2(address pair, bool zeroForOne, uint256 fee, uint256 amountIn, address recipient)
        external
        returns (uint256)
    {
        return _swapV2(pair, zeroForOne, fee, amountIn, recipient);
    }

    /// @notice `_v2Reserves`.
    function v2Reserves(address pair, bool zeroForOne) external view returns (uint256, uint256) {
        return _v2Reserves(pair, zeroForOne);
    }

    /// @notice `_swapV3`, and the pool it expected while the swap ran (cleared after).
    function swapV3(address tokenIn, address tokenOut, uint24 fee, uint256 amountIn, address recipient)
        external
        returns (uint256 amountOut, address expectedAfter)
    {
        amountOut = _swapV3(tokenIn, tokenOut, fee, amountIn, recipient);
        expectedAfter = _expectedSwapPool;
    }

    function _freePointer() private pure returns (uint256 free) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            free := mload(0x40)
        }
    }
}

/// @title CallRecorder
/// @notice Test-only: records the calldata of every call and answers with configured bytes
///         (or reverts with them). A call with the configured view selector is answered without
///         recording, so that it works under STATICCALL.
contract CallRecorder {
    bytes public lastCall;
    bytes public answer;
    bool public reverts;
    bytes4 public viewSelector;
    bytes public viewAnswer;

    /// @notice What every call returns, or reverts with.
    function setAnswer(bytes calldata answer_, bool reverts_) external {
        answer = answer_;
        reverts = reverts_;
    }

    /// @notice What a call with `selector` returns, without being recorded.
    function setViewAnswer(bytes4 selector, bytes calldata answer_) external {
        viewSelector = selector;
        viewAnswer = answer_;
    }

    // solhint-disable-next-line no-complex-fallback
    fallback(bytes calldata input) external returns (bytes memory) {
        if (viewSelector != bytes4(0) && bytes4(input) == viewSelector) return viewAnswer;
        lastCall = input;
        bytes memory out = answer;
        if (reverts) {
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                revert(add(out, 0x20), mload(out))
            }
        }
        return out;
    }
}
